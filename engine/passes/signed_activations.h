#pragma once
// uint8 quantization (ONNX Runtime's default for activations) re-expressed
// as int8, so that one set of int8 kernels serves both: a uint8 code q with
// zero point z and the int8 code q − 128 with zero point z − 128 stand for
// the same real number s·(q − z), and QuantizeLinear's rounding and
// saturation commute with the shift (clamp(round(x/s) + z, 0, 255) − 128 =
// clamp(round(x/s) + z − 128, −128, 127)). The rewrite is exact: float
// results are unchanged bit for bit, and integer results are the uint8
// ones minus 128.
#include "engine/graph.h"

namespace aimc {

// Rewrites, in place, every QuantizeLinear whose uint8 output only
// DequantizeLinear nodes read, and every uint8 constant a DequantizeLinear
// reads (weights with zero point 128 become symmetric int8). A uint8 graph
// input or output keeps its type. Returns how many values were rewritten.
int signed_activations(Graph& graph);

// Puts an internal QInput node (engine/kernels/int8/qinput.cpp) behind each
// int8 or uint8 graph input that only DequantizeLinear nodes read, and
// points those at its int8 output (uint8 zero points shifted by −128). The
// graph input keeps its type and shape. Run after shape inference, before
// lowering. Returns how many inputs it entered.
int enter_integer_inputs(Graph& graph);

}  // namespace aimc
