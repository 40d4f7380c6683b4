#pragma once
// Constant folding at load: a node whose inputs are all initializers, or a
// Shape of a value whose static shape is known, is evaluated once with its
// kernel and replaced by initializers, repeatedly. Shape subgraphs of a
// dynamic batch (PyTorch's x.view(x.size(0), -1): Shape -> Gather(0) ->
// Unsqueeze -> Concat([-1]) -> Reshape) are followed symbolically: a Reshape
// target whose only unknown is the batch in position 0, over an input whose
// dim 0 is the batch, becomes a constant with 0 there (ONNX Reshape's "copy
// this dim", allowzero = 0), so it works for any batch. Subgraphs that
// cannot be folded stay and run as ordinary nodes.
//
// QuantizeLinear and DequantizeLinear are never folded: the QDQ lowering
// reads them as written. Shapes are inferred again after folding.
#include "engine/graph.h"

namespace aimc {

struct FoldStats {
  int folded_nodes = 0;    // nodes replaced by initializers
  int batch_reshapes = 0;  // Reshape targets folded around the unknown batch
  int removed_nodes = 0;   // shape nodes nothing reads any more
};

FoldStats fold_constants(Graph& graph);

}  // namespace aimc
