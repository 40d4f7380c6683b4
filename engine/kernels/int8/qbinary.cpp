// QAdd and QMul: int8 elementwise binary ops with numpy broadcasting.
// Rounding: TFLite's fixed-point rescaling (quant/add_ref.h,
// quant/mul_ref.h); ONNX Runtime's QLinearAdd/QLinearMul round the same
// real result in float, within one output step of these.
#include <functional>
#include <optional>
#include <vector>

#include "engine/kernels/float/float_tensor_ops.h"
#include "engine/kernels/int8/int8_common.h"
#include "engine/kernels/int8/int8_kernels.h"
#include "quant/add_ref.h"
#include "quant/mul_ref.h"

namespace aimc::int8k {
namespace {

using ElementFn = std::function<int8_t(int8_t, int8_t)>;

// A constant operand facing a rank-4 NHWC activation, brought to NHWC
// (numpy broadcasting aligns trailing dimensions: [C,1,1] -> [1,1,1,C]).
Tensor to_nhwc(const Tensor& t) {
  Shape s = t.shape();
  while (s.size() < 4) s.insert(s.begin(), 1);
  Tensor out(t.dtype(), {s[0], s[2], s[3], s[1]});
  const int8_t* src = t.data<int8_t>();
  int8_t* dst = out.data<int8_t>();
  for (int64_t n = 0; n < s[0]; ++n)
    for (int64_t c = 0; c < s[1]; ++c)
      for (int64_t y = 0; y < s[2]; ++y)
        for (int64_t x = 0; x < s[3]; ++x)
          dst[((n * s[2] + y) * s[3] + x) * s[1] + c] = src[((n * s[1] + c) * s[2] + y) * s[3] + x];
  return out;
}

class QBinaryKernel : public Kernel {
 public:
  QBinaryKernel(const Node& n, const Graph& g, const ElementFn& element) : node_(n), graph_(g) {
    if (n.inputs.size() != 2) fail(g, n, "needs two inputs");
    // Two int8 inputs have 65,536 combinations: the reference element
    // function tabulated once (64 kB), so every path reads the same table
    // and is equal to the reference by construction.
    table_.resize(256 * 256);
    for (int x = -128; x < 128; ++x)
      for (int y = -128; y < 128; ++y)
        table_[index(static_cast<int8_t>(x), static_cast<int8_t>(y))] =
            element(static_cast<int8_t>(x), static_cast<int8_t>(y));
    for (int k = 0; k < 2; ++k) {
      const Tensor* c = g.initializer(n.inputs[k]);
      const auto other = g.values.find(n.inputs[1 - k]);
      if (c && c->dtype() == DType::kInt8 && c->rank() <= 4 && other != g.values.end() &&
          other->second.nhwc)
        constant_[k] = to_nhwc(*c);
    }
  }

  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& a = constant_[0] ? *constant_[0] : *inputs[0];
    const Tensor& b = constant_[1] ? *constant_[1] : *inputs[1];
    if (a.dtype() != DType::kInt8 || b.dtype() != DType::kInt8)
      fail(graph_, node_, "integer " + node_.op_type.substr(1) + " needs two int8 inputs");
    if (a.shape() == b.shape()) {
      outputs[0] = new_output(ctx, DType::kInt8, a.shape(), /*zero=*/false);
      same_shape(ctx, a.data<int8_t>(), b.data<int8_t>(), outputs[0].data<int8_t>(), a.size());
      return;
    }
    const Shape out_shape = floatk::broadcast_shapes(graph_, node_, a.shape(), b.shape());
    outputs[0] = new_output(ctx, DType::kInt8, out_shape, /*zero=*/false);
    broadcast(a, b, out_shape, outputs[0].data<int8_t>());
  }

 private:
  static std::size_t index(int8_t x, int8_t y) {
    return std::size_t{static_cast<uint8_t>(x)} << 8 | static_cast<uint8_t>(y);
  }

  void same_shape(const RunContext& ctx, const int8_t* pa, const int8_t* pb, int8_t* po,
                  int64_t n) const {
    // Elementwise and integer: any split over threads gives the same bytes.
#pragma omp parallel for num_threads(ctx.threads) schedule(static)
    for (int64_t i = 0; i < n; ++i) po[i] = table_[index(pa[i], pb[i])];
  }

  // An odometer over the output; the innermost dimension runs as a loop.
  void broadcast(const Tensor& a, const Tensor& b, const Shape& out, int8_t* po) const {
    const auto sa = floatk::broadcast_strides(a.shape(), out),
               sb = floatk::broadcast_strides(b.shape(), out);
    const std::size_t rank = out.size();
    const int64_t inner = out[rank - 1];
    const int8_t* pa = a.data<int8_t>();
    const int8_t* pb = b.data<int8_t>();
    std::vector<int64_t> pos(rank, 0);
    int64_t total = 1;
    for (int64_t d : out) total *= d;
    for (int64_t done = 0; done < total; done += inner) {
      int64_t oa = 0, ob = 0;
      for (std::size_t d = 0; d + 1 < rank; ++d) {
        oa += pos[d] * sa[d];
        ob += pos[d] * sb[d];
      }
      for (int64_t i = 0; i < inner; ++i)
        *po++ = table_[index(pa[oa + i * sa[rank - 1]], pb[ob + i * sb[rank - 1]])];
      for (std::size_t d = rank - 1; d-- > 0;) {
        if (++pos[d] < out[d]) break;
        pos[d] = 0;
      }
    }
  }

  const Node& node_;
  const Graph& graph_;
  std::vector<int8_t> table_;
  std::optional<Tensor> constant_[2];
};

}  // namespace

std::unique_ptr<Kernel> make_qadd(const Node& n, const Graph& g, const KernelOptions&) {
  if (n.inputs.size() != 2) fail(g, n, "needs two inputs");
  const QuantParams& a = quant_of(g, n, n.inputs[0]);
  const QuantParams& b = quant_of(g, n, n.inputs[1]);
  const QuantParams& o = quant_of(g, n, n.outputs[0]);
  const quant::AddQuant q =
      quant::make_add_quant(a.scale0(), a.zero_point0(), b.scale0(), b.zero_point0(), o.scale0(),
                            o.zero_point0(), activation_range(n));
  return std::make_unique<QBinaryKernel>(
      n, g, [q](int8_t x, int8_t y) { return quant::add_int8_element(q, x, y); });
}

std::unique_ptr<Kernel> make_qmul(const Node& n, const Graph& g, const KernelOptions&) {
  if (n.inputs.size() != 2) fail(g, n, "needs two inputs");
  const QuantParams& a = quant_of(g, n, n.inputs[0]);
  const QuantParams& b = quant_of(g, n, n.inputs[1]);
  const QuantParams& o = quant_of(g, n, n.outputs[0]);
  checked_multiplier(g, n, double(a.scale0()) * b.scale0() / o.scale0());
  const quant::MulQuant q =
      quant::make_mul_quant(a.scale0(), a.zero_point0(), b.scale0(), b.zero_point0(), o.scale0(),
                            o.zero_point0(), activation_range(n));
  return std::make_unique<QBinaryKernel>(
      n, g, [q](int8_t x, int8_t y) { return quant::mul_int8_element(q, x, y); });
}

}  // namespace aimc::int8k
