#include "demos/aimc/cli.h"

namespace aimc::cli {
int main_entry(int, char**) { return 1; }
}  // namespace aimc::cli
