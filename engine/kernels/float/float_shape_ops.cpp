// Data movement of any element type: Flatten, Reshape, Transpose, Concat.
#include <algorithm>
#include <cstring>

#include "engine/kernels/float/float_common.h"
#include "engine/kernels/float/float_kernels.h"

namespace aimc::floatk {
namespace {

Tensor reshaped_copy(const Tensor& x, Shape shape) {
  Tensor y = x;
  y.reshape(std::move(shape));
  return y;
}

class FlattenKernel : public Kernel {
 public:
  FlattenKernel(const Node& n, const Graph& g)
      : node_(n), graph_(g), axis_(n.attr_int("axis", 1)) {}
  void run(const RunContext&, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = required_input(graph_, node_, inputs, 0);
    const int axis = normalize_axis(graph_, node_, axis_, x.rank(), /*inclusive=*/true);
    const Shape& s = x.shape();
    const Shape outer(s.begin(), s.begin() + axis), inner(s.begin() + axis, s.end());
    outputs[0] = reshaped_copy(x, {element_count(outer), element_count(inner)});
  }

 private:
  const Node& node_;
  const Graph& graph_;
  int64_t axis_;
};

class ReshapeKernel : public Kernel {
 public:
  ReshapeKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {
    allow_zero_ = n.attr_int("allowzero", 0) != 0;
    if (n.inputs.size() < 2 && !n.has_attr("shape")) fail(g, n, "needs a shape input");
  }
  void run(const RunContext&, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = required_input(graph_, node_, inputs, 0);
    const Tensor* shape_t = optional_input(inputs, 1);
    // Opset < 5 gives the shape as an attribute.
    std::vector<int64_t> spec =
        shape_t ? int64_values(graph_, node_, *shape_t, "shape") : node_.attr_ints("shape");
    Shape out(spec.size());
    int infer = -1;
    int64_t known = 1;
    for (std::size_t i = 0; i < spec.size(); ++i) {
      int64_t d = spec[i];
      if (d == 0 && !allow_zero_) {
        if (i >= x.shape().size()) fail(graph_, node_, "shape copies a dimension the input lacks");
        d = x.dim(i);
      }
      if (d == -1) {
        if (infer >= 0) fail(graph_, node_, "shape has more than one -1");
        infer = static_cast<int>(i);
        continue;
      }
      if (d < 0) fail(graph_, node_, "negative dimension in shape");
      out[i] = d;
      known *= d;
    }
    if (infer >= 0) {
      if (known == 0 || x.size() % known != 0) {
        fail(graph_, node_, "cannot infer the -1 dimension reshaping " + shape_str(x.shape()));
      }
      out[static_cast<std::size_t>(infer)] = x.size() / known;
    }
    if (element_count(out) != x.size()) {
      fail(graph_, node_, "cannot reshape " + shape_str(x.shape()) + " to " + shape_str(out));
    }
    outputs[0] = reshaped_copy(x, out);
  }

 private:
  const Node& node_;
  const Graph& graph_;
  bool allow_zero_ = false;
};

class TransposeKernel : public Kernel {
 public:
  TransposeKernel(const Node& n, const Graph& g)
      : node_(n), graph_(g), perm_(n.attr_ints("perm")) {}
  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = required_input(graph_, node_, inputs, 0);
    const std::size_t rank = x.shape().size();
    std::vector<int64_t> perm = perm_;
    if (perm.empty()) {
      for (std::size_t i = rank; i-- > 0;) perm.push_back(static_cast<int64_t>(i));
    }
    std::vector<int64_t> sorted = perm;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < sorted.size(); ++i) {
      if (sorted.size() != rank || sorted[i] != static_cast<int64_t>(i)) {
        fail(graph_, node_, "perm is not a permutation of the " + std::to_string(rank) + " axes");
      }
    }
    std::vector<int64_t> in_stride(rank, 1);
    for (std::size_t i = rank; i-- > 1;) in_stride[i - 1] = in_stride[i] * x.shape()[i];
    Shape out(rank);
    std::vector<int64_t> stride(rank);  // input stride along each output axis
    for (std::size_t i = 0; i < rank; ++i) {
      out[i] = x.shape()[static_cast<std::size_t>(perm[i])];
      stride[i] = in_stride[static_cast<std::size_t>(perm[i])];
    }
    outputs[0] = Tensor(x.dtype(), out);
    if (rank == 0 || x.size() == 0) {
      std::memcpy(outputs[0].raw(), x.raw(), x.byte_size());
      return;
    }
    visit_dtype(graph_, node_, x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* px = x.data<T>();
      T* py = outputs[0].data<T>();
      const int64_t inner = out.back(), inner_stride = stride.back(), rows = x.size() / inner;
#pragma omp parallel for num_threads(threads_for(ctx, x.size())) schedule(static)
      for (int64_t r = 0; r < rows; ++r) {
        int64_t src = 0, rest = r;
        for (std::size_t d = rank - 1; d-- > 0;) {
          src += rest % out[d] * stride[d];
          rest /= out[d];
        }
        for (int64_t j = 0; j < inner; ++j) py[r * inner + j] = px[src + j * inner_stride];
      }
    });
  }

 private:
  const Node& node_;
  const Graph& graph_;
  std::vector<int64_t> perm_;
};

class ConcatKernel : public Kernel {
 public:
  ConcatKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {
    if (!n.has_attr("axis")) fail(g, n, "axis is required");
    axis_ = n.attr_int("axis", 0);
    if (n.inputs.empty()) fail(g, n, "needs at least one input");
  }
  void run(const RunContext&, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& first = required_input(graph_, node_, inputs, 0);
    const int axis = normalize_axis(graph_, node_, axis_, first.rank());
    Shape out = first.shape();
    out[static_cast<std::size_t>(axis)] = 0;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const Tensor& t = required_input(graph_, node_, inputs, i);
      bool match = t.dtype() == first.dtype() && t.rank() == first.rank();
      for (int d = 0; match && d < first.rank(); ++d) match = d == axis || t.dim(d) == first.dim(d);
      if (!match) {
        fail(graph_, node_,
             "input " + std::to_string(i) + " " + shape_str(t.shape()) +
                 " does not match input 0 " + shape_str(first.shape()));
      }
      out[static_cast<std::size_t>(axis)] += t.dim(axis);
    }
    outputs[0] = Tensor(first.dtype(), out);
    const Shape outer_dims(out.begin(), out.begin() + axis);
    const int64_t outer = element_count(outer_dims);
    std::byte* dst = outputs[0].raw();
    for (int64_t o = 0; o < outer; ++o) {
      for (const Tensor* t : inputs) {
        const std::size_t chunk =
            t->byte_size() / static_cast<std::size_t>(std::max<int64_t>(outer, 1));
        if (chunk) std::memcpy(dst, t->raw() + static_cast<std::size_t>(o) * chunk, chunk);
        dst += chunk;
      }
    }
  }

 private:
  const Node& node_;
  const Graph& graph_;
  int64_t axis_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> make_flatten(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<FlattenKernel>(n, g);
}
std::unique_ptr<Kernel> make_reshape(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<ReshapeKernel>(n, g);
}
std::unique_ptr<Kernel> make_transpose(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<TransposeKernel>(n, g);
}
std::unique_ptr<Kernel> make_concat(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<ConcatKernel>(n, g);
}

}  // namespace aimc::floatk
