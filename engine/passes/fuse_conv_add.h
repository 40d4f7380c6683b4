#pragma once
// Fuses a float Conv with the Add (a residual connection) that alone reads
// its output: the conv adds the other operand as it stores each output tile,
// instead of a separate pass that reads both tensors back. The fused conv
// computes exactly the unfused values: its own output (with any fused clip),
// then + the other operand.
#include "engine/fused_attrs.h"
#include "engine/graph.h"

namespace aimc {

// The fused conv's attributes: kFusedAdd, kFusedAddName, kFusedAddInput
// (engine/fused_attrs.h).

// Rewrites Conv -> Add pairs where the conv's output is read only by the Add
// and is not a graph output, and the other operand is computed before the
// conv (not a constant) with the same static shape (no broadcasting).
// Returns how many.
int fuse_conv_add(Graph& graph);

}  // namespace aimc
