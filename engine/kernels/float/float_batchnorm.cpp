// BatchNormalization in inference mode, for the BNs the folding pass leaves
// (no Conv in front, or computed statistics). Training mode is refused.
#include "engine/kernels/float/float_common.h"
#include "engine/kernels/float/float_kernels.h"

namespace aimc::floatk {
namespace {

class BatchNormKernel : public Kernel {
 public:
  BatchNormKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {
    if (n.inputs.size() != 5) fail(g, n, "needs X, scale, B, mean and var");
    if (n.attr_int("training_mode", 0) != 0) fail(g, n, "training_mode=1 is not supported");
    for (std::size_t i = 1; i < n.outputs.size(); ++i) {
      if (!n.outputs[i].empty())
        fail(g, n, "the training outputs (running mean/var) are not supported");
    }
    if (n.attr_int("spatial", 1) != 1) fail(g, n, "spatial=0 (opset < 9) is not supported");
    epsilon_ = n.attr_float("epsilon", 1e-5f);
  }

  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = required_input(graph_, node_, inputs, 0);
    expect_dtype(graph_, node_, x, DType::kFloat32, "X");
    if (x.rank() < 2) fail(graph_, node_, "X must be [N, C, ...], got " + shape_str(x.shape()));
    const int64_t channels = x.dim(1);
    const float* p[4];
    const char* names[4] = {"scale", "B", "mean", "var"};
    for (int i = 0; i < 4; ++i) {
      const Tensor& t = required_input(graph_, node_, inputs, i + 1);
      expect_dtype(graph_, node_, t, DType::kFloat32, names[i]);
      if (t.size() != channels) {
        fail(graph_, node_,
             std::string(names[i]) + " must have " + std::to_string(channels) + " values, got " +
                 shape_str(t.shape()));
      }
      p[i] = t.data<float>();
    }
    outputs[0] = Tensor(DType::kFloat32, x.shape());
    const int64_t planes = x.dim(0) * channels, plane = planes ? x.size() / planes : 0;
    const float* px = x.data<float>();
    float* py = outputs[0].data<float>();
#pragma omp parallel for num_threads(threads_for(ctx, x.size())) schedule(static)
    for (int64_t t = 0; t < planes; ++t) {
      const int64_t c = t % channels;
      const float a = static_cast<float>(static_cast<double>(p[0][c]) /
                                         std::sqrt(static_cast<double>(p[3][c]) + epsilon_));
      const float mean = p[2][c], shift = p[1][c];
      for (int64_t i = t * plane; i < (t + 1) * plane; ++i) py[i] = (px[i] - mean) * a + shift;
    }
  }

 private:
  const Node& node_;
  const Graph& graph_;
  float epsilon_ = 1e-5f;
};

}  // namespace

std::unique_ptr<Kernel> make_batch_normalization(const Node& n, const Graph& g,
                                                 const KernelOptions&) {
  return std::make_unique<BatchNormKernel>(n, g);
}

}  // namespace aimc::floatk
