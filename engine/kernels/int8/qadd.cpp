// QAdd: int8 residual add with TFLite's rescaling (quant/add_ref.h).
#include <vector>

#include "engine/kernels/int8/int8_common.h"
#include "engine/kernels/int8/int8_kernels.h"
#include "quant/add_ref.h"

namespace aimc::int8k {
namespace {

class QAddKernel : public Kernel {
 public:
  QAddKernel(const Node& n, const Graph& g, const KernelOptions&) : node_(n), graph_(g) {
    if (n.inputs.size() != 2) fail(g, n, "needs two inputs");
    const QuantParams& a = quant_of(g, n, n.inputs[0]);
    const QuantParams& b = quant_of(g, n, n.inputs[1]);
    const QuantParams& o = quant_of(g, n, n.outputs[0]);
    q_ = quant::make_add_quant(a.scale0(), a.zero_point0(), b.scale0(), b.zero_point0(), o.scale0(),
                               o.zero_point0(), activation_range(n));
    // Two int8 inputs have 65,536 combinations: the reference element
    // function tabulated once (64 kB), so the fast path is equal to it by
    // construction and costs one load per element.
    table_.resize(256 * 256);
    for (int x = -128; x < 128; ++x)
      for (int y = -128; y < 128; ++y)
        table_[index(static_cast<int8_t>(x), static_cast<int8_t>(y))] =
            quant::add_int8_element(q_, static_cast<int8_t>(x), static_cast<int8_t>(y));
  }

  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& a = *inputs[0];
    const Tensor& b = *inputs[1];
    if (a.shape() != b.shape() || a.dtype() != DType::kInt8 || b.dtype() != DType::kInt8) {
      fail(graph_, node_,
           "integer Add needs two int8 inputs of one shape, got " + shape_str(a.shape()) + " and " +
               shape_str(b.shape()));
    }
    outputs[0] = new_output(ctx, DType::kInt8, a.shape(), /*zero=*/false);
    const int8_t* pa = a.data<int8_t>();
    const int8_t* pb = b.data<int8_t>();
    int8_t* po = outputs[0].data<int8_t>();
    const int64_t n = a.size();
    // Elementwise and integer: any split over threads gives the same bytes.
#pragma omp parallel for num_threads(ctx.threads) schedule(static)
    for (int64_t i = 0; i < n; ++i) po[i] = table_[index(pa[i], pb[i])];
  }

 private:
  static std::size_t index(int8_t x, int8_t y) {
    return std::size_t{static_cast<uint8_t>(x)} << 8 | static_cast<uint8_t>(y);
  }
  const Node& node_;
  const Graph& graph_;
  quant::AddQuant q_;
  std::vector<int8_t> table_;
};

}  // namespace

std::unique_ptr<Kernel> make_qadd(const Node& n, const Graph& g, const KernelOptions& o) {
  return std::make_unique<QAddKernel>(n, g, o);
}

}  // namespace aimc::int8k
