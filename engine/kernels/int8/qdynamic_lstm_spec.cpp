// The contract and the scalar arithmetic of QDynamicLSTM (qdynamic_lstm.h):
// what shape inference and the kernel both check, the dynamic quantization
// of X and H, and the float gate step.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "engine/kernels/float/recurrent_activations.h"
#include "engine/kernels/int8/no_fma.h"
#include "engine/kernels/int8/qdynamic_lstm.h"

namespace aimc::int8k {
namespace {

// onnxruntime's clip_add_bias / clip_ignore_bias with the default bound
// FLT_MAX: an infinity becomes ±FLT_MAX, a NaN FLT_MAX (std::min keeps the
// bound when the comparison fails).
inline float clamp_gate(float x) {
  constexpr float b = std::numeric_limits<float>::max();
  x = std::min(b, x);
  return std::max(-b, x);
}

bool same_name(const std::string& a, const char* b) {
  std::string lower(a);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return lower == b;
}

void check_attributes(const Node& n, const std::function<void(const std::string&)>& refuse) {
  if (n.attr_int("hidden_size", 0) < 1) refuse("needs a positive hidden_size attribute");
  const std::string dir = n.attr_string("direction", "forward");
  if (dir != "forward") refuse("direction '" + dir + "' is not supported (forward only)");
  if (n.has_attr("clip")) refuse("the clip attribute is not supported");
  if (n.attr_int("input_forget", 0) != 0) refuse("input_forget = 1 is not supported");
  if (n.has_attr("activations")) {
    const auto names = n.attr_strings("activations");
    const char* want[3] = {"sigmoid", "tanh", "tanh"};
    if (names.size() != 3 || !same_name(names[0], want[0]) || !same_name(names[1], want[1]) ||
        !same_name(names[2], want[2]))
      refuse("only the default activations (Sigmoid, Tanh, Tanh) are supported");
  }
  if (n.has_attr("activation_alpha") || n.has_attr("activation_beta"))
    refuse("activation_alpha and activation_beta are not supported");
}

std::string shape_text(const Shape& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

// Whether s is `want`, -1 in either matching anything.
bool fits(const Shape& s, const Shape& want) {
  if (s.size() != want.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] >= 0 && want[i] >= 0 && s[i] != want[i]) return false;
  return true;
}

}  // namespace

LstmQuant lstm_quant_params(std::span<const float> x) {
  // The range always holds 0; a NaN compares false and leaves it unchanged.
  float lo = 0.0f, hi = 0.0f;
  for (float v : x) {
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  LstmQuant q;
  q.scale = hi == lo ? 1.0f : (hi - lo) / 255.0f;
  const float zp = 0.0f - lo / q.scale;
  // clamp, then round half to even (a NaN zero point, from an infinite range, becomes 0)
  const float clamped = std::max(0.0f, std::min(255.0f, zp));
  q.zero_point = static_cast<int32_t>(std::nearbyint(std::isnan(clamped) ? 0.0f : clamped));
  return q;
}

int32_t lstm_quantize(float x, const LstmQuant& q) {
  // MlasQuantizeLinear: round half to even of x / scale, plus the zero
  // point, saturated to [0, 255]; a NaN becomes 0.
  float v = std::nearbyint(x / q.scale) + static_cast<float>(q.zero_point);
  v = v > 0.0f ? v : 0.0f;
  return static_cast<int32_t>(v < 255.0f ? v : 255.0f);
}

QLstmDims check_qdynamic_lstm(const Node& n, std::span<const std::optional<Shape>> in,
                              const std::function<void(const std::string&)>& refuse) {
  check_attributes(n, refuse);
  auto given = [&](std::size_t i) { return i < n.inputs.size() && !n.inputs[i].empty(); };
  for (std::size_t i : {kQlX, kQlW, kQlR, kQlWScale, kQlWZeroPoint, kQlRScale, kQlRZeroPoint})
    if (!given(i))
      refuse("input " + std::to_string(i) + " (X, W, R, scales, zero points) is missing");
  if (given(kQlSequenceLens)) refuse("sequence_lens is not supported");
  if (given(kQlP)) refuse("peepholes (P) are not supported");
  if (n.inputs.size() > kQlInputs) refuse("has more than 12 inputs");
  QLstmDims d;
  d.hidden = n.attr_int("hidden_size", 0);
  const int64_t h = d.hidden, gh = 4 * h;
  auto shape = [&](std::size_t i) -> const std::optional<Shape>& {
    static const std::optional<Shape> kNone;
    return i < in.size() ? in[i] : kNone;
  };
  if (const auto& x = shape(kQlX)) {
    if (x->size() != 3) refuse("X must be [seq, batch, input], got " + shape_text(*x));
    d.seq = (*x)[0];
    d.batch = (*x)[1];
    d.input = (*x)[2];
  }
  auto expect = [&](std::size_t i, const Shape& want, const std::string& what) {
    if (shape(i) && !fits(*shape(i), want))
      refuse(what + " must be " + shape_text(want) + ", got " + shape_text(*shape(i)));
  };
  if (const auto& w = shape(kQlW); w && w->size() == 3 && d.input < 0) d.input = (*w)[1];
  expect(kQlW, {1, d.input, gh}, "W");
  expect(kQlR, {1, h, gh}, "R");
  expect(kQlB, {1, 2 * gh}, "B");
  expect(kQlInitialH, {1, d.batch, h}, "initial_h");
  expect(kQlInitialC, {1, d.batch, h}, "initial_c");
  for (std::size_t i : {kQlWScale, kQlWZeroPoint, kQlRScale, kQlRZeroPoint}) {
    const auto& s = shape(i);
    if (s && !fits(*s, {1}) && !fits(*s, {1, gh}))
      refuse("input " + std::to_string(i) + " (a scale or zero point) must be [1] or [1, " +
             std::to_string(gh) + "], got " + shape_text(*s));
  }
  return d;
}

std::vector<Shape> qdynamic_lstm_output_shapes(const QLstmDims& d) {
  return {{d.seq, 1, d.batch, d.hidden}, {1, d.batch, d.hidden}, {1, d.batch, d.hidden}};
}

void qlstm_gates(const float* pre, const float* bias, int64_t hidden, float* c, float* h) {
  const floatk::Activation sigmoid{floatk::ActivationKind::kSigmoid};
  const floatk::Activation tanh{floatk::ActivationKind::kTanh};
  const int64_t n = hidden;
  auto gate_in = [&](int64_t gate, int64_t j) {
    const int64_t at = gate * n + j;
    return clamp_gate(bias ? rounded(pre[at] + bias[at]) : pre[at]);
  };
  for (int64_t j = 0; j < n; ++j) {
    const float i = sigmoid(gate_in(0, j));
    const float f = sigmoid(gate_in(2, j));
    const float g = tanh(gate_in(3, j));
    // C_{t−1}·f + i·g, each product rounded (onnxruntime's merge_lstm_gates_to_memory)
    const float c_new = rounded(rounded(c[j] * f) + rounded(i * g));
    const float o = sigmoid(gate_in(1, j));
    c[j] = c_new;
    h[j] = rounded(tanh(c_new) * o);
  }
}

}  // namespace aimc::int8k
