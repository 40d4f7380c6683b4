// Float activations: LeakyRelu, Tanh, HardSigmoid, HardSwish, and the local
// response normalisation across channels (LRN, AlexNet's).
#include <algorithm>
#include <cmath>

#include "engine/kernels/float/float_kernels.h"
#include "engine/kernels/float/float_tensor_ops.h"

namespace aimc::floatk {
namespace {

// y = f(x) over a float tensor; `f` is built once from the node's attributes.
template <typename MakeFn>
class FloatUnaryKernel : public Kernel {
 public:
  FloatUnaryKernel(const Node& n, const Graph& g, MakeFn make) : node_(n), graph_(g), make_(make) {}
  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = required_input(graph_, node_, inputs, 0);
    expect_dtype(graph_, node_, x, DType::kFloat32, "input");
    outputs[0] = new_output(ctx, DType::kFloat32, x.shape(), /*zero=*/false);
    const auto f = make_(node_);
    const float* px = x.data<float>();
    float* py = outputs[0].data<float>();
    const int64_t total = x.size();
#pragma omp parallel for num_threads(threads_for(ctx, total)) schedule(static)
    for (int64_t i = 0; i < total; ++i) py[i] = f(px[i]);
  }

 private:
  const Node& node_;
  const Graph& graph_;
  MakeFn make_;
};

template <typename MakeFn>
std::unique_ptr<Kernel> unary_kernel(const Node& n, const Graph& g, MakeFn make) {
  return std::make_unique<FloatUnaryKernel<MakeFn>>(n, g, make);
}

// y = x / (bias + alpha / size * sum of x^2 over the `size` nearest channels)^beta
// (ONNX LRN: the window is [c - floor((size-1)/2), c + ceil((size-1)/2)]).
class LrnKernel : public Kernel {
 public:
  LrnKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {
    size_ = n.attr_int("size", 0);
    if (size_ < 1) fail(g, n, "size must be a positive integer");
    alpha_ = n.attr_float("alpha", 1e-4f);
    beta_ = n.attr_float("beta", 0.75f);
    bias_ = n.attr_float("bias", 1.0f);
  }
  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = required_input(graph_, node_, inputs, 0);
    expect_dtype(graph_, node_, x, DType::kFloat32, "input");
    if (x.rank() < 3) fail(graph_, node_, "input must be [N, C, ...], got " + shape_str(x.shape()));
    const int64_t batch = x.dim(0), channels = x.dim(1),
                  plane = x.size() / std::max<int64_t>(batch * channels, 1);
    const int64_t before = (size_ - 1) / 2, after = size_ - 1 - before;
    outputs[0] = new_output(ctx, DType::kFloat32, x.shape(), /*zero=*/false);
    const float* px = x.data<float>();
    float* py = outputs[0].data<float>();
#pragma omp parallel for num_threads(threads_for(ctx, x.size() * size_)) schedule(static)
    for (int64_t nc = 0; nc < batch * channels; ++nc) {
      const int64_t b = nc / channels, c = nc % channels;
      const int64_t c0 = std::max<int64_t>(0, c - before), c1 = std::min(channels - 1, c + after);
      for (int64_t p = 0; p < plane; ++p) {
        double sq = 0.0;
        for (int64_t k = c0; k <= c1; ++k) {
          const double v = px[(b * channels + k) * plane + p];
          sq += v * v;
        }
        const double scale = std::pow(bias_ + alpha_ / static_cast<double>(size_) * sq, beta_);
        py[nc * plane + p] = static_cast<float>(px[nc * plane + p] / scale);
      }
    }
  }

 private:
  const Node& node_;
  const Graph& graph_;
  int64_t size_ = 0;
  double alpha_ = 0, beta_ = 0, bias_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> make_leaky_relu(const Node& n, const Graph& g, const KernelOptions&) {
  return unary_kernel(n, g, [](const Node& node) {
    const float alpha = node.attr_float("alpha", 0.01f);
    return [alpha](float v) { return v < 0.0f ? alpha * v : v; };
  });
}
std::unique_ptr<Kernel> make_tanh(const Node& n, const Graph& g, const KernelOptions&) {
  return unary_kernel(n, g, [](const Node&) { return [](float v) { return std::tanh(v); }; });
}
std::unique_ptr<Kernel> make_hard_sigmoid(const Node& n, const Graph& g, const KernelOptions&) {
  return unary_kernel(n, g, [](const Node& node) {
    const float alpha = node.attr_float("alpha", 0.2f), beta = node.attr_float("beta", 0.5f);
    return [alpha, beta](float v) { return std::max(0.0f, std::min(1.0f, alpha * v + beta)); };
  });
}
std::unique_ptr<Kernel> make_hard_swish(const Node& n, const Graph& g, const KernelOptions&) {
  // x * HardSigmoid(x) with alpha = 1/6, beta = 0.5 (ONNX HardSwish).
  return unary_kernel(n, g, [](const Node&) {
    return [](float v) { return v * std::max(0.0f, std::min(1.0f, v / 6.0f + 0.5f)); };
  });
}
std::unique_ptr<Kernel> make_lrn(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<LrnKernel>(n, g);
}

}  // namespace aimc::floatk
