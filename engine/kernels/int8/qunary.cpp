// Int8 unary activations (QSigmoid, QTanh, QLeakyRelu, QHardSigmoid,
// QHardSwish) as 256-entry tables: each input code dequantized, the
// function applied in float, the result quantized with rounding half to
// even (quant/lut_ref.h). This is how ONNX Runtime's QLinearSigmoid and
// QLinearLeakyRelu define their results.
#include <algorithm>
#include <cmath>

#include "engine/kernels/int8/int8_common.h"
#include "engine/kernels/int8/int8_kernels.h"
#include "quant/lut_ref.h"

namespace aimc::int8k {
namespace {

std::function<float(float)> unary_function(const Graph& g, const Node& n) {
  const std::string op = n.op_type.substr(1);  // "QSigmoid" -> "Sigmoid"
  if (op == "Sigmoid") return [](float x) { return 1.f / (1.f + std::exp(-x)); };
  if (op == "Tanh") return [](float x) { return std::tanh(x); };
  if (op == "LeakyRelu") {
    const float alpha = n.attr_float("alpha", 0.01f);
    return [alpha](float x) { return x >= 0 ? x : alpha * x; };
  }
  if (op == "HardSigmoid") {
    const float alpha = n.attr_float("alpha", 0.2f), beta = n.attr_float("beta", 0.5f);
    return [alpha, beta](float x) { return std::clamp(alpha * x + beta, 0.f, 1.f); };
  }
  if (op == "HardSwish") return [](float x) { return x * std::clamp(x / 6.f + 0.5f, 0.f, 1.f); };
  fail(g, n, "has no integer table form");
}

class QUnaryKernel : public Kernel {
 public:
  QUnaryKernel(const Node& n, const Graph& g) {
    const QuantParams& in = quant_of(g, n, n.inputs.at(0));
    const QuantParams& out = quant_of(g, n, n.outputs.at(0));
    table_ = quant::make_unary_table(unary_function(g, n), in.scale0(), in.zero_point0(),
                                     out.scale0(), out.zero_point0(), activation_range(n));
  }

  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = *inputs[0];
    outputs[0] = new_output(ctx, DType::kInt8, x.shape(), /*zero=*/false);
    const int8_t* px = x.data<int8_t>();
    int8_t* po = outputs[0].data<int8_t>();
    const int64_t n = x.size();
#pragma omp parallel for num_threads(ctx.threads) schedule(static)
    for (int64_t i = 0; i < n; ++i) po[i] = table_[static_cast<std::size_t>(px[i] + 128)];
  }

 private:
  quant::Int8Table table_;
};

}  // namespace

std::unique_ptr<Kernel> make_qunary(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<QUnaryKernel>(n, g);
}

}  // namespace aimc::int8k
