#pragma once
// The layers of graph_layers.cpp that cost per element: elementwise ops,
// activations, softmax, reductions, data movement and views, by op type.
#include <string>

#include "engine/graph.h"
#include "engine/timing/layer_shape.h"

namespace aimc::timing {

// `l` (name and placement set) as the layer of node `n`, whose op type is
// `op` (an integer op's without its leading Q, `int8` then true). An op
// with no cost model, or without the static shape its cost needs, gives a
// kUncosted layer naming why.
LayerShape per_element_layer(const Graph& g, const Node& n, const std::string& op, bool int8,
                             LayerShape l);

}  // namespace aimc::timing
