#pragma once
// Fuses a float Conv with the Add (a residual connection) that alone reads
// its output: the conv adds the other operand as it stores each output tile,
// instead of a separate pass that reads both tensors back. The fused conv
// computes exactly the unfused values: its own output (with any fused clip),
// then + the other operand.
#include "engine/graph.h"

namespace aimc {

// A Conv with a fused Add carries this attribute (1) and the Add's other
// operand as its fourth input (the third, the bias, may be empty).
inline constexpr const char* kFusedAdd = "aimc_fused_add";
inline constexpr const char* kFusedAddName = "aimc_fused_add_name";  // the Add node's name
inline constexpr std::size_t kFusedAddInput = 3;

// Rewrites Conv -> Add pairs where the conv's output is read only by the Add
// and is not a graph output, and the other operand is computed before the
// conv (not a constant) with the same static shape (no broadcasting).
// Returns how many.
int fuse_conv_add(Graph& graph);

}  // namespace aimc
