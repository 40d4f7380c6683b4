#pragma once
// Exporters often leave a Flatten, Reshape or MaxPool between a
// DequantizeLinear and the next quantized op with no QuantizeLinear after it
// (DQ -> Flatten -> DQ'd Gemm input). Such an op only moves or selects
// values, so quantizing its output again with its input's (per-tensor)
// parameters is exact; adding that QuantizeLinear/DequantizeLinear pair
// lets the QDQ lowering keep the op on the integer path.
#include "engine/graph.h"

namespace aimc {

// Rewrites in place; returns how many pairs were added.
int requantize_data_movement(Graph& graph);

}  // namespace aimc
