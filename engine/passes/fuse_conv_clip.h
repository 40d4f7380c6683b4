#pragma once
// Fuses a float Conv with the Clip (ReLU6) that alone reads its output, so
// the clip runs on each output tile while it is still in cache instead of as
// a separate pass over the whole tensor. The fused conv computes exactly the
// unfused values: the same sums, then the same clip expression.
#include "engine/fused_attrs.h"
#include "engine/graph.h"

namespace aimc {

// Conv nodes that carry a fused clip hold its bounds in kFusedClipMin and
// kFusedClipMax (engine/fused_attrs.h).

// Rewrites Conv -> Clip pairs (constant scalar bounds; the conv's output read
// only by the clip and not a graph output) into one Conv. Returns how many.
int fuse_conv_clip(Graph& graph);

}  // namespace aimc
