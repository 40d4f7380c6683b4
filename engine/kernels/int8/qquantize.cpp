// The borders of the integer domain: float NCHW -> int8 NHWC and back.
#include "engine/kernels/int8/int8_common.h"
#include "engine/kernels/int8/int8_kernels.h"
#include "engine/kernels/int8/layout.h"
#include "engine/kernels/int8/quantize_rows.h"
#include "quant/quantize_ref.h"

namespace aimc::int8k {
namespace {

class QQuantizeKernel : public Kernel {
 public:
  QQuantizeKernel(const Node& n, const Graph& g, KernelFlavor flavor)
      : node_(n), graph_(g), q_(quant_of(g, n, n.outputs.at(0))), flavor_(flavor) {
    if (q_.scale.size() != 1 || q_.dtype != DType::kInt8)
      fail(g, n, "activation quantization must be per-tensor int8");
  }
  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = *inputs[0];
    if (x.dtype() != DType::kFloat32) fail(graph_, node_, "expects float input");
    const float* src = x.data<float>();
    const float scale = q_.scale0();
    const int32_t zp = q_.zero_point0();
    auto q = [&](float v) {
      return static_cast<int8_t>(quant::quantize_value(v, scale, zp, -128, 127));
    };
    if (x.rank() != 4) {
      outputs[0] = new_output(ctx, DType::kInt8, x.shape(), /*zero=*/false);
      int8_t* dst = outputs[0].data<int8_t>();
#pragma omp parallel for num_threads(ctx.threads) schedule(static)
      for (int64_t i = 0; i < x.size(); ++i) dst[i] = q(src[i]);
      return;
    }
    // NCHW float in, NHWC int8 out: quantize and transpose in one pass.
    const int64_t n = x.dim(0), c = x.dim(1), hw = x.dim(2) * x.dim(3);
    outputs[0] = new_output(ctx, DType::kInt8, {n, x.dim(2), x.dim(3), c}, /*zero=*/false);
    int8_t* dst = outputs[0].data<int8_t>();
    const bool reference = flavor_ == KernelFlavor::kReference;
#pragma omp parallel for num_threads(ctx.threads) schedule(static)
    for (int64_t b = 0; b < n; ++b) {
      const float* in = src + b * c * hw;
      int8_t* out = dst + b * hw * c;
      if (reference) {
        quantize_planes_to_nhwc_scalar(in, c, hw, scale, zp, out);
      } else {
        quantize_planes_to_nhwc(in, c, hw, scale, zp, out);
      }
    }
  }

 private:
  const Node& node_;
  const Graph& graph_;
  QuantParams q_;
  KernelFlavor flavor_;
};

class QDequantizeKernel : public Kernel {
 public:
  QDequantizeKernel(const Node& n, const Graph& g)
      : node_(n), graph_(g), q_(quant_of(g, n, n.inputs.at(0))) {}
  void run(const RunContext&, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = *inputs[0];
    if (x.dtype() != DType::kInt8) fail(graph_, node_, "expects int8 input");
    Tensor out(DType::kFloat32, x.shape());
    for (int64_t i = 0; i < x.size(); ++i) {
      out.data<float>()[i] =
          quant::dequantize_value(x.data<int8_t>()[i], q_.scale0(), q_.zero_point0());
    }
    outputs[0] = out.rank() == 4 ? nhwc_to_nchw<float>(out) : std::move(out);
  }

 private:
  const Node& node_;
  const Graph& graph_;
  QuantParams q_;
};

}  // namespace

std::unique_ptr<Kernel> make_qquantize(const Node& n, const Graph& g, const KernelOptions& o) {
  return std::make_unique<QQuantizeKernel>(n, g, o.flavor);
}
std::unique_ptr<Kernel> make_qdequantize(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<QDequantizeKernel>(n, g);
}

}  // namespace aimc::int8k
