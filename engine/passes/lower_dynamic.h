#pragma once
// Dynamic-quantization lowering (digital and analog modes): ONNX Runtime's
// quantize_dynamic writes
//   DynamicQuantizeLinear(x) → MatMulInteger/ConvInteger(x_q, W, x_zp, w_zp)
//   → Cast(float) → Mul(s) by x_scale, constants or x_scale·constant
//   → [Add(constant bias)] → [Relu | Clip]
// with a constant int8/uint8 weight and constant weight zero points. Each
// such chain becomes one integer op, QDynamicGemm or QDynamicConv
// (engine/kernels/int8/qdynamic_*.cpp), which quantizes its float input
// per tensor at run time, accumulates exactly in int32 and applies the
// float chain in the same float32 operations: the same numbers as float
// mode. A DynamicQuantizeLinear (or x_scale·w_scale Mul) nobody else reads
// goes away with its chains; a chain that does not match stays as it is.
// ONNX Runtime's com.microsoft.DynamicQuantizeLSTM becomes QDynamicLSTM
// (engine/kernels/int8/qdynamic_lstm.h).
#include "engine/graph.h"

namespace aimc {

// Lowers in place; returns how many integer ops were created.
int lower_dynamic(Graph& graph);

}  // namespace aimc
