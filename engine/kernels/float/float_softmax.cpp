// Softmax and LogSoftmax. Opset >= 13 normalises along one axis (default -1); older opsets
// coerce the input to 2-D at `axis` (default 1) and normalise each row.
#include <cmath>
#include <limits>

#include "engine/kernels/float/float_common.h"
#include "engine/kernels/float/float_kernels.h"

namespace aimc::floatk {
namespace {

class SoftmaxKernel : public Kernel {
 public:
  SoftmaxKernel(const Node& n, const Graph& g, bool log) : node_(n), graph_(g), log_(log) {
    coerce_2d_ = g.opset > 0 && g.opset < 13;
    axis_ = n.attr_int("axis", coerce_2d_ ? 1 : -1);
  }

  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = required_input(graph_, node_, inputs, 0);
    expect_dtype(graph_, node_, x, DType::kFloat32, "input");
    outputs[0] = Tensor(DType::kFloat32, x.shape());
    if (x.size() == 0) return;
    const Shape& s = x.shape();
    const int rank = x.rank();
    // Softmax runs over `len` elements `stride` apart, for outer x stride groups.
    int64_t outer = 1, len = 1, stride = 1;
    if (coerce_2d_) {
      const int axis = normalize_axis(graph_, node_, axis_, rank, /*inclusive=*/true);
      for (int d = 0; d < rank; ++d) (d < axis ? outer : len) *= s[d];
    } else {
      const int axis = rank == 0 ? 0 : normalize_axis(graph_, node_, axis_, rank);
      for (int d = 0; d < rank; ++d) {
        if (d < axis) outer *= s[d];
        if (d == axis) len = s[d];
        if (d > axis) stride *= s[d];
      }
    }
    const float* px = x.data<float>();
    float* py = outputs[0].data<float>();
    const int64_t groups = outer * stride;
#pragma omp parallel for num_threads(threads_for(ctx, x.size())) schedule(static)
    for (int64_t gi = 0; gi < groups; ++gi) {
      const int64_t base = gi / stride * len * stride + gi % stride;
      float mx = -std::numeric_limits<float>::infinity();
      for (int64_t i = 0; i < len; ++i) mx = std::max(mx, px[base + i * stride]);
      double sum = 0.0;
      for (int64_t i = 0; i < len; ++i) {
        const float e = std::exp(px[base + i * stride] - mx);
        py[base + i * stride] = e;
        sum += e;
      }
      // log(e / sum) as (x - max) - log(sum): exact where the quotient underflows.
      const double log_sum = log_ ? std::log(sum) : 0.0;
      for (int64_t i = 0; i < len; ++i) {
        float& y = py[base + i * stride];
        y = log_ ? static_cast<float>((px[base + i * stride] - mx) - log_sum)
                 : static_cast<float>(y / sum);
      }
    }
  }

 private:
  const Node& node_;
  const Graph& graph_;
  bool log_ = false;
  bool coerce_2d_ = false;
  int64_t axis_ = -1;
};

}  // namespace

std::unique_ptr<Kernel> make_softmax(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<SoftmaxKernel>(n, g, /*log=*/false);
}
std::unique_ptr<Kernel> make_log_softmax(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<SoftmaxKernel>(n, g, /*log=*/true);
}

}  // namespace aimc::floatk
