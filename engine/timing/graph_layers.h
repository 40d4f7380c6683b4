#pragma once
// The layers of a loaded graph (lowered QDQ or float) for the timing model,
// one or more per node in graph order, each with its node's placement:
// convs of any group count, Gemm and MatMul, pools, elementwise ops, data
// movement, recurrent layers. A view (Reshape, Flatten, ...) is a free
// layer; a node the model cannot cost is a kUncosted layer naming why, so
// the report lists it instead of dropping it.
#include <optional>
#include <string>
#include <vector>

#include "engine/graph.h"
#include "engine/timing/layer_shape.h"

namespace aimc::timing {

std::vector<LayerShape> layers_from_graph(const Graph& g);

// Elements of one image of `value`: its dims but the batch, which is the
// one unknown dim, or dim 0 if every dim is known. nullopt: no shape, or
// another unknown dim (a symbolic sequence length).
std::optional<int64_t> elements_per_image(const Graph& g, const std::string& value);
std::optional<int64_t> elements_per_image(const Shape& s);

}  // namespace aimc::timing
