#pragma once
// Helpers shared by the float kernels (ExecMode::kFloat): refusals naming the
// node, input access, dtype dispatch and the window geometry of Conv/pooling.
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/error.h"
#include "engine/graph.h"
#include "engine/kernel.h"

namespace aimc::floatk {

[[noreturn]] void fail(const Graph& g, const Node& n, const std::string& what);

// inputs[i], refusing an absent or omitted input by position.
const Tensor& required_input(const Graph& g, const Node& n, std::span<const Tensor* const> inputs,
                             std::size_t i);
// inputs[i] or nullptr when omitted ("" in the node) or beyond the list.
inline const Tensor* optional_input(std::span<const Tensor* const> inputs, std::size_t i) {
  return i < inputs.size() ? inputs[i] : nullptr;
}

// Refuses a tensor whose dtype is not `want`.
void expect_dtype(const Graph& g, const Node& n, const Tensor& t, DType want,
                  const std::string& what);

// A possibly negative axis mapped into [0, rank) (or [0, rank] for `inclusive`).
int normalize_axis(const Graph& g, const Node& n, int64_t axis, int rank, bool inclusive = false);

// Reads a 1-D (or scalar) int64 tensor, e.g. Reshape's shape or Pad's pads.
std::vector<int64_t> int64_values(const Graph& g, const Node& n, const Tensor& t,
                                  const std::string& what);

// Calls f(T{}) with T the element type of `dtype`.
template <typename F>
decltype(auto) visit_dtype(const Graph& g, const Node& n, DType dtype, F&& f) {
  switch (dtype) {
    case DType::kFloat32:
      return f(float{});
    case DType::kInt8:
      return f(int8_t{});
    case DType::kUInt8:
      return f(uint8_t{});
    case DType::kInt32:
      return f(int32_t{});
    case DType::kInt64:
      return f(int64_t{});
    default:
      break;
  }
  fail(g, n, "unsupported element type " + dtype_name(dtype));
}

// a * b + c, fused whenever the target has FMA. Every float accumulation uses
// it so that the rounding of a sum never depends on which loop (vector body
// or remainder) computed it: results are identical for any batch or thread count.
inline float madd(float a, float b, float c) {
#ifdef __FMA__
  return std::fma(a, b, c);
#else
  return a * b + c;
#endif
}

// Clip(v, lo, hi) as the Clip kernel computes it: NaN passes through, and
// with lo > hi every value becomes hi (as onnxruntime).
template <typename T>
inline T clip_value(T v, T lo, T hi) {
  return v < lo ? (lo > hi ? hi : lo) : (v > hi ? hi : v);
}

// A Clip fused into the conv before it (passes/fuse_conv_clip.h); off = none.
struct FusedClip {
  bool on = false;
  float lo = 0.0f, hi = 0.0f;
  float operator()(float v) const { return on ? clip_value(v, lo, hi) : v; }
};

// Window geometry of Conv and pooling over up to 3 spatial dimensions, kept
// as D, H, W slots (a 2-D op has d = 1, a 1-D op also h = 1).
struct WindowAttrs {
  std::vector<int64_t> kernel_shape;  // empty: taken from the weight (Conv)
  std::vector<int64_t> strides, dilations, pads;
  std::string auto_pad = "NOTSET";
  bool ceil_mode = false;
};

struct Window {
  std::array<int64_t, 3> in{1, 1, 1}, out{1, 1, 1}, kernel{1, 1, 1}, stride{1, 1, 1},
      dilation{1, 1, 1}, pad_begin{0, 0, 0}, pad_end{0, 0, 0};
  int64_t in_size() const { return in[0] * in[1] * in[2]; }
  int64_t out_size() const { return out[0] * out[1] * out[2]; }
  int64_t kernel_size() const { return kernel[0] * kernel[1] * kernel[2]; }
};

// Reads and checks the attributes (auto_pad value, ceil_mode) of a node.
WindowAttrs window_attrs(const Graph& g, const Node& n);

// The geometry for an input of shape [N, C, spatial...] and a kernel of
// `kernel` spatial extents; refuses mismatched attribute lengths, non-positive
// values, more than 3 spatial dims and windows larger than the padded input.
Window resolve_window(const Graph& g, const Node& n, const WindowAttrs& a, const Shape& input,
                      const std::vector<int64_t>& kernel);

// Splits [0, count) over the team only when the work is big enough to pay
// for the threads; the split never changes results (no shared reductions).
inline int threads_for(const RunContext& ctx, int64_t work) {
  return work < (int64_t{1} << 15) ? 1 : ctx.threads;
}

}  // namespace aimc::floatk
