#pragma once
// Shape rules of the ONNX dynamic-quantization ops (DynamicQuantizeLinear,
// MatMulInteger, ConvInteger), called from the rule table of
// engine/passes/infer_shapes.cpp through an OpShapeView.
#include <vector>

#include "engine/passes/infer_shapes_ops.h"

namespace aimc {

// The facts of the node's outputs; refuses contradicting shapes and types.
std::vector<ShapeFact> infer_dynamic_shapes(const OpShapeView& view);

}  // namespace aimc
