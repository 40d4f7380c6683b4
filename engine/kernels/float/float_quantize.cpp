// QuantizeLinear / DequantizeLinear as float ops (QDQ models in float mode),
// per tensor or per axis: q = saturate(round_half_even(x / scale) + zp),
// x = (q - zp) * scale.
#include <limits>
#include <type_traits>

#include "engine/kernels/float/float_common.h"
#include "engine/kernels/float/float_kernels.h"

namespace aimc::floatk {
namespace {

// Scale/zero-point layout: one value, or one per index of `axis`.
struct QuantLayout {
  int64_t outer = 1, channels = 1, inner = 1;
  bool per_axis = false;
};

QuantLayout quant_layout(const Graph& g, const Node& n, const Tensor& x, const Tensor& scale,
                         const Tensor* zero_point) {
  expect_dtype(g, n, scale, DType::kFloat32, "scale");
  if (n.attr_int("block_size", 0) != 0) fail(g, n, "blocked quantization is not supported");
  QuantLayout l;
  l.inner = x.size();
  if (zero_point && zero_point->shape() != scale.shape()) {
    fail(g, n,
         "zero point " + shape_str(zero_point->shape()) + " and scale " + shape_str(scale.shape()) +
             " differ in shape");
  }
  if (scale.size() == 1 && scale.rank() <= 1) return l;
  if (scale.rank() != 1) fail(g, n, "scale must be a scalar or 1-D");
  const int axis = normalize_axis(g, n, n.attr_int("axis", 1), x.rank());
  if (x.dim(axis) != scale.size()) {
    fail(g, n,
         "scale has " + std::to_string(scale.size()) + " values but axis " + std::to_string(axis) +
             " of " + shape_str(x.shape()) + " has " + std::to_string(x.dim(axis)));
  }
  l.per_axis = true;
  l.channels = x.dim(axis);
  l.outer = 1;
  for (int d = 0; d < axis; ++d) l.outer *= x.dim(d);
  l.inner = l.channels ? x.size() / l.outer / l.channels : 0;
  return l;
}

// Calls body(element_offset, count, channel) over the runs sharing one scale.
// Runs are cut into blocks so that per-tensor parameters still spread over threads.
template <typename Body>
void for_each_run(const RunContext& ctx, const QuantLayout& l, Body&& body) {
  constexpr int64_t kBlock = 1 << 14;
  const int64_t runs = l.outer * l.channels, blocks = (l.inner + kBlock - 1) / kBlock;
#pragma omp parallel for num_threads(threads_for(ctx, runs* l.inner)) schedule(static)
  for (int64_t t = 0; t < runs * blocks; ++t) {
    const int64_t r = t / blocks, begin = t % blocks * kBlock;
    body(r * l.inner + begin, std::min(kBlock, l.inner - begin), l.per_axis ? r % l.channels : 0);
  }
}

// y = saturate(round_half_even(x / scale) + zero). Plain pointers and selects
// only, so that it vectorizes: std::rint rounds half to even in the default
// rounding mode; adding the zero point is exact (both are integers, large
// values saturate anyway); NaN saturates to the lowest value.
template <typename X, typename Q>
void quantize_span(const X* x, Q* y, int64_t n, float scale, float zero) {
  constexpr float lo = std::numeric_limits<Q>::min(), hi = std::numeric_limits<Q>::max();
  for (int64_t i = 0; i < n; ++i) {
    float q = std::rint(static_cast<float>(x[i]) / scale) + zero;
    q = q > lo ? q : lo;
    y[i] = static_cast<Q>(q < hi ? q : hi);
  }
}

class QuantizeKernel : public Kernel {
 public:
  QuantizeKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {
    if (n.inputs.size() < 2) fail(g, n, "needs x and y_scale");
    if (n.attr_int("saturate", 1) != 1) fail(g, n, "saturate=0 is not supported");
  }

  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = required_input(graph_, node_, inputs, 0);
    const Tensor& scale = required_input(graph_, node_, inputs, 1);
    const Tensor* zp = optional_input(inputs, 2);
    if (x.dtype() != DType::kFloat32 && x.dtype() != DType::kInt32) {
      fail(graph_, node_, "x must be float32 or int32, got " + dtype_name(x.dtype()));
    }
    const QuantLayout l = quant_layout(graph_, node_, x, scale, zp);
    DType out = zp ? zp->dtype() : DType::kUInt8;
    if (node_.has_attr("output_dtype") && !zp) {
      const int64_t t = node_.attr_int("output_dtype", 2);
      if (t != 2 && t != 3) fail(graph_, node_, "output_dtype must be uint8 (2) or int8 (3)");
      out = t == 3 ? DType::kInt8 : DType::kUInt8;
    }
    if (out != DType::kInt8 && out != DType::kUInt8) {
      fail(graph_, node_, "only int8 and uint8 outputs are supported, got " + dtype_name(out));
    }
    outputs[0] = Tensor(out, x.shape());
    if (out == DType::kInt8) {
      quantize<int8_t>(ctx, l, x, scale, zp, outputs[0]);
    } else {
      quantize<uint8_t>(ctx, l, x, scale, zp, outputs[0]);
    }
  }

 private:
  template <typename Q>
  void quantize(const RunContext& ctx, const QuantLayout& l, const Tensor& x, const Tensor& scale,
                const Tensor* zp, Tensor& y) const {
    const float* s = scale.data<float>();
    const Q* z = zp ? zp->data<Q>() : nullptr;
    Q* py = y.data<Q>();
    const bool is_float = x.dtype() == DType::kFloat32;
    const float* xf = is_float ? x.data<float>() : nullptr;
    const int32_t* xi = is_float ? nullptr : x.data<int32_t>();
    for_each_run(ctx, l, [&](int64_t begin, int64_t count, int64_t c) {
      const float zero = z ? static_cast<float>(z[c]) : 0.0f;
      if (xf) {
        quantize_span(xf + begin, py + begin, count, s[c], zero);
      } else {
        quantize_span(xi + begin, py + begin, count, s[c], zero);
      }
    });
  }

  const Node& node_;
  const Graph& graph_;
};

// y = (x - zero) * scale.
template <typename Q>
void dequantize_span(const Q* x, float* y, int64_t n, float scale, Q zero) {
  // 8-bit differences fit int32 (and vectorize); int32 ones need int64.
  using Diff = std::conditional_t<sizeof(Q) == 1, int32_t, int64_t>;
  const Diff z = zero;
  for (int64_t i = 0; i < n; ++i) y[i] = static_cast<float>(static_cast<Diff>(x[i]) - z) * scale;
}

class DequantizeKernel : public Kernel {
 public:
  DequantizeKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {
    if (n.inputs.size() < 2) fail(g, n, "needs x and x_scale");
  }

  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = required_input(graph_, node_, inputs, 0);
    const Tensor& scale = required_input(graph_, node_, inputs, 1);
    const Tensor* zp = optional_input(inputs, 2);
    if (zp && zp->dtype() != x.dtype()) fail(graph_, node_, "zero point and x differ in type");
    const QuantLayout l = quant_layout(graph_, node_, x, scale, zp);
    outputs[0] = Tensor(DType::kFloat32, x.shape());
    const float* s = scale.data<float>();
    float* py = outputs[0].data<float>();
    auto body = [&](auto tag) {
      using Q = decltype(tag);
      const Q* px = x.data<Q>();
      const Q* z = zp ? zp->data<Q>() : nullptr;
      for_each_run(ctx, l, [&](int64_t begin, int64_t count, int64_t c) {
        dequantize_span(px + begin, py + begin, count, s[c], z ? z[c] : Q{0});
      });
    };
    switch (x.dtype()) {
      case DType::kInt8:
        body(int8_t{});
        break;
      case DType::kUInt8:
        body(uint8_t{});
        break;
      case DType::kInt32:
        body(int32_t{});
        break;
      default:
        fail(graph_, node_, "x must be int8, uint8 or int32, got " + dtype_name(x.dtype()));
    }
  }

 private:
  const Node& node_;
  const Graph& graph_;
};

}  // namespace

std::unique_ptr<Kernel> make_quantize_linear(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<QuantizeKernel>(n, g);
}
std::unique_ptr<Kernel> make_dequantize_linear(const Node& n, const Graph& g,
                                               const KernelOptions&) {
  return std::make_unique<DequantizeKernel>(n, g);
}

}  // namespace aimc::floatk
