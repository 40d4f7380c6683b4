// PLACEHOLDER: being written by a helper; replaced before commit.
#include "engine/passes/fold_batchnorm.h"

namespace aimc {
int fold_batchnorm_into_conv(Graph&) { return 0; }
}  // namespace aimc
