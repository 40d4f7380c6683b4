#pragma once
// ONNX Runtime's dynamically quantized LSTM (com.microsoft.DynamicQuantizeLSTM,
// what its quantize_dynamic writes for an LSTM), lowered to QDynamicLSTM:
//
//   inputs  X, W, R, B, sequence_lens, initial_h, initial_c, P,
//           W_scale, W_zero_point, R_scale, R_zero_point
//   W [directions, input, 4·hidden] and R [directions, hidden, 4·hidden]
//   (transposed against ONNX's LSTM), int8 or uint8, gate blocks i, o, f, c;
//   scales and zero points [directions] (per tensor) or [directions, 4·hidden]
//   (per column).
//
// The arithmetic of onnxruntime's CPU kernel (contrib_ops/cpu/quantization/
// dynamic_quantize_lstm.cc, providers/cpu/rnn/uni_directional_lstm.cc and
// rnn_helpers.cc):
//   - X of all time steps is quantized with one uint8 scale and zero point
//     (qmath.h's GetQuantizationParameter: range [min(x, 0), max(x, 0)],
//     scale = range / 255, or 1 for an empty range; zero point =
//     round_half_even(clamp(−min / scale, 0, 255)); codes =
//     clamp(round_half_even(x / scale) + zero point, 0, 255));
//   - at every step H_{t−1} is quantized the same way, on its own;
//   - each product is Σ (x_q − x_zp)(w − w_zp), exact in int32, made float
//     by one multiplication with x_scale · w_scale (per column if the scales
//     are), the recurrent one added to the input one: pre = xw + hr·s;
//   - gates in float: i = σ(pre_i + b_i), f = σ(pre_f + b_f),
//     c̃ = tanh(pre_c + b_c), C = C_{t−1}·f + i·c̃, o = σ(pre_o + b_o),
//     H = tanh(C)·o, with b = Wb + Rb summed first and each gate input
//     clamped to ±FLT_MAX (ORT's clip without a `clip` attribute).
// One difference is kept on purpose: onnxruntime quantizes X and H over the
// whole batch (over a thread's share of it for H), so its numbers for one
// sequence depend on the others and on the thread count. Here every sequence
// is quantized on its own, which is onnxruntime's result at batch 1 and
// makes results independent of batch size and threads. σ and tanh are the
// float LSTM's functions (std::exp, std::tanh), where onnxruntime uses
// MLAS's polynomial approximations: the two differ in the last bits.
//
// Refused (BadInput naming the node): reverse and bidirectional directions,
// sequence_lens, peepholes P, `clip`, input_forget = 1, activations other
// than the defaults (Sigmoid, Tanh, Tanh), activation_alpha/beta, and
// weights, scales or zero points that are not constants.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/graph.h"

namespace aimc::int8k {

// Input positions of the node.
enum QLstmInput : std::size_t {
  kQlX,
  kQlW,
  kQlR,
  kQlB,
  kQlSequenceLens,
  kQlInitialH,
  kQlInitialC,
  kQlP,
  kQlWScale,
  kQlWZeroPoint,
  kQlRScale,
  kQlRZeroPoint,
  kQlInputs
};

// onnxruntime's uint8 parameters of one dynamically quantized tensor.
struct LstmQuant {
  float scale = 1.0f;
  int32_t zero_point = 0;
};
LstmQuant lstm_quant_params(std::span<const float> x);
// The uint8 code of x, as an int32.
int32_t lstm_quantize(float x, const LstmQuant& q);

// Sizes the node's inputs give; -1 where unknown.
struct QLstmDims {
  int64_t seq = -1, batch = -1, input = -1, hidden = 0;
};

// Checks the attributes and the input shapes (nullopt: omitted or unknown),
// refusing through `refuse` (which must throw) what is not supported.
QLstmDims check_qdynamic_lstm(const Node& n, std::span<const std::optional<Shape>> inputs,
                              const std::function<void(const std::string&)>& refuse);
// Y [seq, 1, batch, hidden], Y_h and Y_c [1, batch, hidden].
std::vector<Shape> qdynamic_lstm_output_shapes(const QLstmDims& d);

// The float gate step of one sequence: pre [4·hidden] (i, o, f, c; products
// only), bias [4·hidden] or null, c updated in place, h written.
void qlstm_gates(const float* pre, const float* bias, int64_t hidden, float* c, float* h);

}  // namespace aimc::int8k
