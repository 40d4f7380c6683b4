#pragma once
// QDQ lowering: recognises DequantizeLinear -> op -> QuantizeLinear and
// replaces it with one integer op ("QConv", "QGemm", "QAdd", ...) that has
// TFLite int8 semantics (docs/ARCHITECTURE.md, Digital kernels). A Relu or Clip between the op and
// its QuantizeLinear is folded into the output clamp; a QuantizeLinear with zero point -128 and
// scale 6/255 already *is* ReLU6 through saturation.
//
// Convention of the integer domain: every rank-4 int8 activation is NHWC.
// QQuantize (float NCHW -> int8 NHWC) and QDequantize (back) sit at the
// borders with the float world.
#include "engine/graph.h"

namespace aimc {

struct LoweringReport {
  int lowered_ops = 0;  // integer compute ops created
  bool applied() const { return lowered_ops > 0; }
};

// Lowers in place. A graph with no lowerable pattern is left untouched (so
// stand-alone QuantizeLinear/DequantizeLinear keep plain ONNX semantics).
LoweringReport lower_qdq(Graph& graph);

}  // namespace aimc
