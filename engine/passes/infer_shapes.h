#pragma once
// Static shape and dtype inference over the imported ONNX graph, run before
// any lowering. Walks the (topologically sorted) nodes and fills
// graph.values[output] with the dtype and shape of every node output whose
// rank and dtype can be derived; dimensions only known at run time (the
// batch, symbolic model dims) are -1.
//
// Contradictions that are visible without running the model (channel counts,
// inner dimensions, broadcasting, element counts, ranks, windows larger than
// the padded input, disagreement with a declared output shape/dtype) throw
// BadInput naming the node, so a broken model is refused at load time rather
// than halfway through a run.
//
// Declared shapes (graph inputs/outputs) are trusted where they are more
// specific, e.g. a declared [1,1000] beats an inferred [-1,1000]. A declared
// empty shape is read as "no shape given" (ValueInfo has no separate flag).
// Outputs of op types without a rule stay unknown: no values entry is added.
#include <cstdint>
#include <optional>

#include "engine/graph.h"

namespace aimc {

void infer_shapes(Graph& graph);

// The ONNX TensorProto element types a quantized value may have here (a
// QuantizeLinear's output, or a Cast to it): uint8, int8, int32.
std::optional<DType> quantized_dtype(int64_t onnx_type);

}  // namespace aimc
