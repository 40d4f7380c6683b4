#pragma once
// PyTorch's eager-mode quantized export (torch.ao.quantization, then
// torch.onnx.export) writes a QDQ graph with two habits the QDQ lowering
// does not read as they are:
//  - a no-op Cast (uint8 -> uint8) between every QuantizeLinear and the
//    DequantizeLinear after it;
//  - a quantized nn.ReLU after a quantized Linear or Conv as its own
//    DequantizeLinear -> Relu -> QuantizeLinear, with the parameters of the
//    op's output (op -> Q -> DQ -> Relu -> Q).
// Both rewrites here are exact, so the float results are unchanged bit for
// bit: the Cast converts to the type it reads, and with s, z the shared
// scale and zero point, Q(Relu(DQ(Q(y)))) = max(Q(y), z) = Q(Relu(y)),
// because rounding and saturation are monotone and Relu's 0 is the code z.
// The second form is op -> Relu -> Q, which the lowering folds into the
// op's output clamp.
#include "engine/graph.h"

namespace aimc {

struct TorchExportRewrites {
  int removed_casts = 0;  // no-op Casts between quantized values
  int merged_relus = 0;   // requantized Relus moved onto their op's output
};

// Rewrites in place; run before the other quantization passes.
TorchExportRewrites simplify_torch_export(Graph& graph);

}  // namespace aimc
