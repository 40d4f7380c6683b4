// Reductions: ReduceSum, ReduceMean, ReduceMax over a set of axes, and the
// variadic Sum and Mean with numpy broadcasting. Float sums accumulate in
// double in index order, so the result never depends on threads or batch.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "engine/kernels/float/float_kernels.h"
#include "engine/kernels/float/float_tensor_ops.h"

namespace aimc::floatk {
namespace {

using Inputs = std::span<const Tensor* const>;
using Outputs = std::span<Tensor>;

enum class Reduction { kSum, kMean, kMax };

// Opset since which the axes are an input rather than an attribute.
int64_t axes_input_since(Reduction r) { return r == Reduction::kSum ? 13 : 18; }

template <typename T>
using Acc = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;

template <typename T>
bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>) return std::isnan(v);
  return false;
}

template <typename T>
void reduce_into(const Tensor& x, const std::vector<bool>& reduced, Reduction how, Tensor& y) {
  const Shape& s = x.shape();
  const std::size_t rank = s.size();
  std::vector<int64_t> stride(rank, 1);
  for (std::size_t d = rank; d-- > 1;) stride[d - 1] = stride[d] * s[d];
  Shape kept_dims, kept_stride, red_dims, red_stride;
  int64_t count = 1;
  for (std::size_t d = 0; d < rank; ++d) {
    (reduced[d] ? red_dims : kept_dims).push_back(s[d]);
    (reduced[d] ? red_stride : kept_stride).push_back(stride[d]);
    if (reduced[d]) count *= s[d];
  }
  const T* px = x.data<T>();
  T* py = y.data<T>();
  std::vector<int64_t> ko(kept_dims.size(), 0), ro(red_dims.size(), 0);
  for (int64_t o = 0; o < y.size(); ++o) {
    int64_t base = 0;
    for (std::size_t d = 0; d < ko.size(); ++d) base += ko[d] * kept_stride[d];
    Acc<T> acc = how == Reduction::kMax ? static_cast<Acc<T>>(std::numeric_limits<T>::lowest()) : 0;
    if constexpr (std::is_floating_point_v<T>) {
      if (how == Reduction::kMax) acc = -std::numeric_limits<double>::infinity();
    }
    std::fill(ro.begin(), ro.end(), 0);
    for (int64_t r = 0; r < count; ++r) {
      int64_t off = base;
      for (std::size_t d = 0; d < ro.size(); ++d) off += ro[d] * red_stride[d];
      const auto v = static_cast<Acc<T>>(px[off]);
      // NaN wins a max, as in numpy.
      acc = how == Reduction::kMax ? (v > acc || is_nan(v) ? v : acc) : acc + v;
      for (std::size_t d = ro.size(); d-- > 0;) {
        if (++ro[d] < red_dims[d]) break;
        ro[d] = 0;
      }
    }
    if (how == Reduction::kMean && count > 0) acc /= count;
    py[o] = static_cast<T>(acc);
    for (std::size_t d = ko.size(); d-- > 0;) {
      if (++ko[d] < kept_dims[d]) break;
      ko[d] = 0;
    }
  }
}

template <Reduction How>
void run_reduce(const Graph& g, const Node& n, Inputs inputs, Outputs outputs) {
  const Tensor& x = required_input(g, n, inputs, 0);
  const auto axes = ints_from_input_or_attr(g, n, inputs, 1, "axes", axes_input_since(How));
  const bool noop = n.attr_int("noop_with_empty_axes", 0) != 0;
  if ((!axes || axes->empty()) && noop) {
    outputs[0] = x;
    return;
  }
  std::vector<bool> reduced(static_cast<std::size_t>(x.rank()), !axes || axes->empty());
  if (axes) {
    for (int d : normalize_axes(g, n, *axes, x.rank())) reduced[static_cast<std::size_t>(d)] = true;
  }
  const bool keepdims = n.attr_int("keepdims", 1) != 0;
  Shape out;
  for (int d = 0; d < x.rank(); ++d) {
    const auto du = static_cast<std::size_t>(d);
    if (!reduced[du]) {
      out.push_back(x.dim(d));
    } else if (keepdims) {
      out.push_back(1);
    }
    if (reduced[du] && x.dim(d) == 0 && How == Reduction::kMax) {
      fail(g, n, "cannot take the max of an empty axis of " + shape_str(x.shape()));
    }
  }
  Tensor y(x.dtype(), out);
  visit_dtype(g, n, x.dtype(), [&](auto tag) { reduce_into<decltype(tag)>(x, reduced, How, y); });
  outputs[0] = std::move(y);
}

// Sum and Mean of any number of inputs broadcast together, added in input order.
template <bool Mean>
void run_variadic(const Graph& g, const Node& n, Inputs inputs, Outputs outputs) {
  if (inputs.empty()) fail(g, n, "needs at least one input");
  const Tensor& first = required_input(g, n, inputs, 0);
  Shape out = first.shape();
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& t = required_input(g, n, inputs, i);
    if (t.dtype() != first.dtype()) fail(g, n, "inputs differ in element type");
    out = broadcast_shapes(g, n, out, t.shape());
  }
  Tensor y = broadcast_to(first, out);
  visit_dtype(g, n, first.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* py = y.data<T>();
    for (std::size_t i = 1; i < inputs.size(); ++i) {
      const Tensor b = broadcast_to(*inputs[i], out);
      const T* pb = b.data<T>();
      for (int64_t k = 0; k < y.size(); ++k) py[k] = static_cast<T>(py[k] + pb[k]);
    }
    if constexpr (Mean) {
      const auto count = static_cast<T>(inputs.size());
      for (int64_t k = 0; k < y.size(); ++k) py[k] = static_cast<T>(py[k] / count);
    }
  });
  outputs[0] = std::move(y);
}

}  // namespace

std::unique_ptr<Kernel> make_reduce_sum(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<FunctionKernel>(n, g, run_reduce<Reduction::kSum>);
}
std::unique_ptr<Kernel> make_reduce_mean(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<FunctionKernel>(n, g, run_reduce<Reduction::kMean>);
}
std::unique_ptr<Kernel> make_reduce_max(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<FunctionKernel>(n, g, run_reduce<Reduction::kMax>);
}
std::unique_ptr<Kernel> make_sum(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<FunctionKernel>(n, g, run_variadic<false>);
}
std::unique_ptr<Kernel> make_mean(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<FunctionKernel>(n, g, run_variadic<true>);
}

}  // namespace aimc::floatk
