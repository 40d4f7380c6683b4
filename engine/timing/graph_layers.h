#pragma once
// The layer shapes of a loaded graph (lowered QDQ or float), for the timing
// model: convs (standard, pointwise, depthwise), Gemm, residual adds and
// global pooling, in graph order, each with its node's placement. Other
// nodes cost nothing on the cluster.
#include <vector>

#include "engine/graph.h"
#include "engine/timing/layer_shape.h"

namespace aimc::timing {

std::vector<LayerShape> layers_from_graph(const Graph& g);

}  // namespace aimc::timing
