#pragma once
// The QOperator form (QLinearConv, QLinearMatMul, and ONNX Runtime's
// com.microsoft QLinearAdd, QLinearMul, QLinearAveragePool,
// QLinearGlobalAveragePool, QLinearConcat, QLinearSigmoid, QLinearLeakyRelu,
// QGemm) rewritten into the QDQ form it abbreviates: DequantizeLinear of
// each quantized input, the float op, QuantizeLinear of the output. The QDQ
// lowering then turns each back into one integer op, so both forms share
// one set of integer kernels. In float mode the expanded graph is what
// ONNX Runtime's reference semantics describe: dequantize, compute,
// quantize.
#include "engine/graph.h"

namespace aimc {

// Rewrites in place; returns how many QOperator nodes were expanded. A node
// whose scales or zero points are not constants, or whose attributes aimc
// does not take (channels_last = 1), is BadInput naming it.
int expand_qoperator(Graph& graph);

}  // namespace aimc
