#pragma once
// Folds an inference-mode BatchNormalization into the Conv that feeds it.
#include "engine/graph.h"

namespace aimc {

// Rewrites Conv -> BatchNormalization pairs (the conv's output used only by
// the BN) into one Conv with scaled weights and bias. Returns how many folded.
int fold_batchnorm_into_conv(Graph& graph);

}  // namespace aimc
