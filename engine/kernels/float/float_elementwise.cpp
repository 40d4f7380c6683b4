// Elementwise ops: Add/Sub/Mul/Div with numpy multidirectional broadcasting,
// Relu, Clip, Sigmoid; float and the integer types (integer arithmetic wraps
// like the two's-complement hardware ONNX runtimes use, never C++ UB).
#include <limits>
#include <type_traits>

#include "engine/kernels/float/float_common.h"
#include "engine/kernels/float/float_kernels.h"
#include "engine/kernels/float/float_tensor_ops.h"

namespace aimc::floatk {
namespace {

template <typename T>
using Wide = std::make_unsigned_t<T>;

struct AddOp {
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (std::is_floating_point_v<T>) {
      return a + b;
    } else {
      return static_cast<T>(static_cast<Wide<T>>(a) + static_cast<Wide<T>>(b));
    }
  }
};

struct SubOp {
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (std::is_floating_point_v<T>) {
      return a - b;
    } else {
      return static_cast<T>(static_cast<Wide<T>>(a) - static_cast<Wide<T>>(b));
    }
  }
};

struct MulOp {
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (std::is_floating_point_v<T>) {
      return a * b;
    } else {
      return static_cast<T>(static_cast<Wide<T>>(a) * static_cast<Wide<T>>(b));
    }
  }
};

struct DivOp {
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (std::is_floating_point_v<T>) {
      return a / b;
    } else {
      // ONNX leaves integer division by zero undefined; we return 0 rather than trap.
      if (b == 0) return 0;
      if constexpr (std::is_signed_v<T>) {
        if (a == std::numeric_limits<T>::min() && b == -1) return a;  // wraps
      }
      return static_cast<T>(a / b);
    }
  }
};

template <typename Op>
class BinaryKernel : public Kernel {
 public:
  BinaryKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {
    if (n.inputs.size() != 2) fail(g, n, "needs exactly two inputs");
  }

  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& a = required_input(graph_, node_, inputs, 0);
    const Tensor& b = required_input(graph_, node_, inputs, 1);
    if (a.dtype() != b.dtype()) {
      fail(
          graph_, node_,
          "inputs have different types " + dtype_name(a.dtype()) + " and " + dtype_name(b.dtype()));
    }
    const Shape out = broadcast_shape(a.shape(), b.shape());
    outputs[0] = new_output(ctx, a.dtype(), out, /*zero=*/false);
    visit_dtype(graph_, node_, a.dtype(), [&](auto tag) {
      using T = decltype(tag);
      compute<T>(ctx, a, b, outputs[0]);
    });
  }

 private:
  Shape broadcast_shape(const Shape& a, const Shape& b) const {
    Shape out(std::max(a.size(), b.size()));
    for (std::size_t i = 0; i < out.size(); ++i) {
      const int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
      const int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
      if (da != db && da != 1 && db != 1) {
        fail(graph_, node_,
             "shapes " + shape_str(a) + " and " + shape_str(b) + " do not broadcast");
      }
      out[out.size() - 1 - i] = da == 1 ? db : da;
    }
    return out;
  }

  template <typename T>
  void compute(const RunContext& ctx, const Tensor& a, const Tensor& b, Tensor& y) const {
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* py = y.data<T>();
    const int64_t total = y.size();
    if (a.shape() == b.shape()) {
      const int threads = threads_for(ctx, total);
      const Shape& s = y.shape();
      if (threads > 1 && s.size() >= 3 && s[0] < threads) {
        // Fewer images than threads: each thread takes the same band of
        // positions of every [N, C] plane, as the convs that wrote the
        // operands did (float_conv.cpp), so it reads its own cache.
        const int64_t outer = s[0] * s[1], plane = total / std::max<int64_t>(outer, 1);
#pragma omp parallel for num_threads(threads) schedule(static, 1)
        for (int i = 0; i < threads; ++i) {
          const int64_t j0 = plane * i / threads, j1 = plane * (i + 1) / threads;
          for (int64_t o = 0; o < outer; ++o)
            for (int64_t j = o * plane + j0; j < o * plane + j1; ++j)
              py[j] = Op::apply(pa[j], pb[j]);
        }
        return;
      }
#pragma omp parallel for num_threads(threads) schedule(static)
      for (int64_t i = 0; i < total; ++i) py[i] = Op::apply(pa[i], pb[i]);
      return;
    }
    if (total == 0) return;
    const Shape& out = y.shape();
    const auto sa = broadcast_strides(a.shape(), out), sb = broadcast_strides(b.shape(), out);
    const int64_t inner = out.empty() ? 1 : out.back();
    const int64_t ia = sa.empty() ? 0 : sa.back(), ib = sb.empty() ? 0 : sb.back();
    const int64_t rows = total / inner;
#pragma omp parallel for num_threads(threads_for(ctx, total)) schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
      int64_t oa = 0, ob = 0, rest = r;
      for (std::size_t d = out.size() - 1; d-- > 0;) {
        const int64_t idx = rest % out[d];
        rest /= out[d];
        oa += idx * sa[d];
        ob += idx * sb[d];
      }
      T* row = py + r * inner;
      for (int64_t j = 0; j < inner; ++j) row[j] = Op::apply(pa[oa + j * ia], pb[ob + j * ib]);
    }
  }

  const Node& node_;
  const Graph& graph_;
};

// y = f(x) elementwise with the same type; `Fn` gets the element type tag.
template <typename Fn>
void unary(const Graph& g, const Node& n, const RunContext& ctx, const Tensor& x, Tensor& y,
           Fn&& fn) {
  y = new_output(ctx, x.dtype(), x.shape(), /*zero=*/false);
  visit_dtype(g, n, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const auto f = fn(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    const int64_t total = x.size();
#pragma omp parallel for num_threads(threads_for(ctx, total)) schedule(static)
    for (int64_t i = 0; i < total; ++i) py[i] = f(px[i]);
  });
}

class ReluKernel : public Kernel {
 public:
  ReluKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {}
  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = required_input(graph_, node_, inputs, 0);
    unary(graph_, node_, ctx, x, outputs[0], [](auto tag) {
      using T = decltype(tag);
      return [](T v) { return v < T{0} ? T{0} : v; };  // NaN passes through
    });
  }

 private:
  const Node& node_;
  const Graph& graph_;
};

class SigmoidKernel : public Kernel {
 public:
  SigmoidKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {}
  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = required_input(graph_, node_, inputs, 0);
    expect_dtype(graph_, node_, x, DType::kFloat32, "input");
    unary(graph_, node_, ctx, x, outputs[0], [](auto tag) {
      using T = decltype(tag);
      return [](T v) { return static_cast<T>(1.0f / (1.0f + std::exp(-static_cast<float>(v)))); };
    });
  }

 private:
  const Node& node_;
  const Graph& graph_;
};

// Clip: bounds from inputs 1 and 2 (opset >= 11) or the min/max attributes (opset 6).
class ClipKernel : public Kernel {
 public:
  ClipKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {
    attr_bounds_ = g.opset < 11 || n.has_attr("min") || n.has_attr("max");
    if (attr_bounds_ && n.inputs.size() > 1)
      fail(g, n, "bounds given both as attributes and inputs");
  }
  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = required_input(graph_, node_, inputs, 0);
    const Tensor* lo_t = optional_input(inputs, 1);
    const Tensor* hi_t = optional_input(inputs, 2);
    for (const Tensor* t : {lo_t, hi_t}) {
      if (t && (t->dtype() != x.dtype() || t->size() != 1)) {
        fail(graph_, node_, "min and max must be scalars of the input type");
      }
    }
    if (attr_bounds_) expect_dtype(graph_, node_, x, DType::kFloat32, "input");
    unary(graph_, node_, ctx, x, outputs[0], [&](auto tag) {
      using T = decltype(tag);
      T lo = std::numeric_limits<T>::lowest(), hi = std::numeric_limits<T>::max();
      if (lo_t) lo = lo_t->data<T>()[0];
      if (hi_t) hi = hi_t->data<T>()[0];
      if constexpr (std::is_same_v<T, float>) {
        if (attr_bounds_) {
          lo = node_.attr_float("min", lo);
          hi = node_.attr_float("max", hi);
        }
      }
      // NaN passes through; with min > max every value becomes max (as onnxruntime).
      return [lo, hi](T v) { return clip_value(v, lo, hi); };
    });
  }

 private:
  const Node& node_;
  const Graph& graph_;
  bool attr_bounds_ = false;
};

}  // namespace

std::unique_ptr<Kernel> make_add(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<BinaryKernel<AddOp>>(n, g);
}
std::unique_ptr<Kernel> make_sub(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<BinaryKernel<SubOp>>(n, g);
}
std::unique_ptr<Kernel> make_mul(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<BinaryKernel<MulOp>>(n, g);
}
std::unique_ptr<Kernel> make_div(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<BinaryKernel<DivOp>>(n, g);
}
std::unique_ptr<Kernel> make_relu(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<ReluKernel>(n, g);
}
std::unique_ptr<Kernel> make_clip(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<ClipKernel>(n, g);
}
std::unique_ptr<Kernel> make_sigmoid(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<SigmoidKernel>(n, g);
}

}  // namespace aimc::floatk
