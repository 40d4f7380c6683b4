#include "engine/kernels/float/float_tensor_ops.h"

#include <algorithm>
#include <cstring>

#include "engine/limits.h"

namespace aimc::floatk {

std::optional<std::vector<int64_t>> ints_from_input_or_attr(const Graph& g, const Node& n,
                                                            std::span<const Tensor* const> inputs,
                                                            std::size_t index,
                                                            const std::string& attr,
                                                            int64_t input_since) {
  if (g.opset < input_since) {
    if (!n.has_attr(attr)) return std::nullopt;
    return n.attr_ints(attr);
  }
  if (n.has_attr(attr))
    fail(g, n,
         "'" + attr + "' is an input since opset " + std::to_string(input_since) +
             ", not an attribute");
  const Tensor* t = optional_input(inputs, index);
  if (!t) return std::nullopt;
  return int64_values(g, n, *t, attr);
}

std::vector<int> normalize_axes(const Graph& g, const Node& n, const std::vector<int64_t>& axes,
                                int rank) {
  std::vector<int> out;
  for (int64_t a : axes) {
    const int axis = normalize_axis(g, n, a, rank);
    if (std::find(out.begin(), out.end(), axis) != out.end()) {
      fail(g, n, "axis " + std::to_string(a) + " is given twice");
    }
    out.push_back(axis);
  }
  return out;
}

Shape broadcast_shapes(const Graph& g, const Node& n, const Shape& a, const Shape& b) {
  Shape out(std::max(a.size(), b.size()));
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    const int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1) {
      fail(g, n, "shapes " + shape_str(a) + " and " + shape_str(b) + " do not broadcast");
    }
    out[out.size() - 1 - i] = da == 1 ? db : da;
  }
  return out;
}

std::vector<int64_t> broadcast_strides(const Shape& in, const Shape& out) {
  std::vector<int64_t> strides(out.size(), 0);
  int64_t step = 1;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const std::size_t o = out.size() - 1 - i;
    const int64_t d = in[in.size() - 1 - i];
    if (d != 1) strides[o] = step;
    step *= d;
  }
  return strides;
}

void check_output_size(const Graph& g, const Node& n, const Shape& shape) {
  if (!bounded_elements(shape)) {
    fail(g, n,
         "output shape " + shape_str(shape) + " has more than " +
             std::to_string(kMaxTensorElements) + " elements (the tensor limit)");
  }
}

Tensor broadcast_to(const Tensor& x, const Shape& out) {
  Tensor y(x.dtype(), out);
  if (y.size() == 0) return y;
  const auto strides = broadcast_strides(x.shape(), out);
  const std::size_t width = dtype_size(x.dtype());
  const std::byte* src = x.raw();
  std::byte* dst = y.raw();
  std::vector<int64_t> idx(out.size(), 0);
  for (int64_t i = 0; i < y.size(); ++i) {
    int64_t off = 0;
    for (std::size_t d = 0; d < out.size(); ++d) off += idx[d] * strides[d];
    std::memcpy(dst + static_cast<std::size_t>(i) * width,
                src + static_cast<std::size_t>(off) * width, width);
    for (std::size_t d = out.size(); d-- > 0;) {
      if (++idx[d] < out[d]) break;
      idx[d] = 0;
    }
  }
  return y;
}

}  // namespace aimc::floatk
