// Ops that select parts of a tensor of any element type: Gather, Slice, Split.
#include <algorithm>
#include <cstring>
#include <limits>

#include "engine/kernels/float/float_kernels.h"
#include "engine/kernels/float/float_tensor_ops.h"

namespace aimc::floatk {
namespace {

using Inputs = std::span<const Tensor* const>;
using Outputs = std::span<Tensor>;

int64_t product(const Shape& s, std::size_t begin, std::size_t end) {
  int64_t p = 1;
  for (std::size_t i = begin; i < end; ++i) p *= s[i];
  return p;
}

void run_gather(const Graph& g, const Node& n, Inputs inputs, Outputs outputs) {
  const Tensor& data = required_input(g, n, inputs, 0);
  const Tensor& idx_t = required_input(g, n, inputs, 1);
  if (idx_t.dtype() != DType::kInt64 && idx_t.dtype() != DType::kInt32) {
    fail(g, n, "indices must be int64 or int32, got " + dtype_name(idx_t.dtype()));
  }
  if (data.rank() == 0) fail(g, n, "data must have rank >= 1");
  const auto axis =
      static_cast<std::size_t>(normalize_axis(g, n, n.attr_int("axis", 0), data.rank()));
  const Shape& s = data.shape();
  Shape out(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(axis));
  out.insert(out.end(), idx_t.shape().begin(), idx_t.shape().end());
  out.insert(out.end(), s.begin() + static_cast<std::ptrdiff_t>(axis) + 1, s.end());
  std::vector<int64_t> idx(static_cast<std::size_t>(idx_t.size()));
  for (std::size_t i = 0; i < idx.size(); ++i) {
    int64_t v =
        idx_t.dtype() == DType::kInt64 ? idx_t.data<int64_t>()[i] : idx_t.data<int32_t>()[i];
    if (v < -s[axis] || v >= s[axis]) {
      fail(g, n,
           "index " + std::to_string(v) + " is out of range for axis " + std::to_string(axis) +
               " of " + shape_str(s));
    }
    idx[i] = v < 0 ? v + s[axis] : v;
  }
  outputs[0] = Tensor(data.dtype(), out);
  const std::size_t inner =
      static_cast<std::size_t>(product(s, axis + 1, s.size())) * dtype_size(data.dtype());
  const int64_t outer = product(s, 0, axis);
  std::byte* dst = outputs[0].raw();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t j : idx) {
      const std::size_t src = (static_cast<std::size_t>(o * s[axis] + j)) * inner;
      if (inner) std::memcpy(dst, data.raw() + src, inner);
      dst += inner;
    }
  }
}

struct SliceDims {
  Shape start, step, count;
};

// The clamped start and element count of every axis (ONNX Slice rules).
SliceDims slice_dims(const Graph& g, const Node& n, Inputs inputs, const Shape& s) {
  const bool attrs = g.opset < 10;
  const auto starts =
      attrs ? std::optional(n.attr_ints("starts"))
            : std::optional(int64_values(g, n, required_input(g, n, inputs, 1), "starts"));
  const auto ends =
      attrs ? std::optional(n.attr_ints("ends"))
            : std::optional(int64_values(g, n, required_input(g, n, inputs, 2), "ends"));
  std::vector<int64_t> axes, steps(starts->size(), 1);
  if (attrs) {
    axes = n.attr_ints("axes");
  } else {
    if (const Tensor* t = optional_input(inputs, 3)) axes = int64_values(g, n, *t, "axes");
    if (const Tensor* t = optional_input(inputs, 4)) steps = int64_values(g, n, *t, "steps");
  }
  if (axes.empty()) {
    for (std::size_t i = 0; i < starts->size(); ++i) axes.push_back(static_cast<int64_t>(i));
  }
  if (ends->size() != starts->size() || axes.size() != starts->size() ||
      steps.size() != starts->size()) {
    fail(g, n, "starts, ends, axes and steps differ in length");
  }
  SliceDims r{Shape(s.size(), 0), Shape(s.size(), 1), s};
  const std::vector<int> at = normalize_axes(g, n, axes, static_cast<int>(s.size()));
  for (std::size_t i = 0; i < at.size(); ++i) {
    const auto d = static_cast<std::size_t>(at[i]);
    const int64_t dim = s[d], step = steps[i];
    if (step == 0) fail(g, n, "steps must not be 0");
    if (dim == 0) {
      r.count[d] = 0;
      continue;
    }
    int64_t b = (*starts)[i], e = (*ends)[i];
    if (b < 0) b = b <= std::numeric_limits<int64_t>::min() + dim ? -1 : b + dim;
    if (e < 0) e = e <= std::numeric_limits<int64_t>::min() + dim ? -1 : e + dim;
    if (step > 0) {
      b = std::clamp<int64_t>(b, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
    } else {
      b = std::clamp<int64_t>(b, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
    }
    const int64_t span = e - b;
    r.start[d] = b;
    r.step[d] = step;
    r.count[d] = step > 0 ? std::max<int64_t>(0, (span + step - 1) / step)
                          : std::max<int64_t>(0, (-span + (-step) - 1) / -step);
  }
  return r;
}

// Copies the selected elements row by row: a row is the run along the last
// axis, one memcpy when its step is 1.
void run_slice(const Graph& g, const Node& n, Inputs inputs, Outputs outputs) {
  const Tensor& x = required_input(g, n, inputs, 0);
  const Shape& s = x.shape();
  const SliceDims sd = slice_dims(g, n, inputs, s);
  outputs[0] = Tensor(x.dtype(), sd.count);
  if (outputs[0].size() == 0 || s.empty()) {
    if (s.empty()) outputs[0] = x;
    return;
  }
  std::vector<int64_t> in_stride(s.size(), 1);
  for (std::size_t d = s.size(); d-- > 1;) in_stride[d - 1] = in_stride[d] * s[d];
  const std::size_t width = dtype_size(x.dtype()), last = s.size() - 1;
  const int64_t run = sd.count[last], rows = outputs[0].size() / run;
  std::vector<int64_t> i(last, 0);
  std::byte* dst = outputs[0].raw();
  for (int64_t r = 0; r < rows; ++r) {
    int64_t off = sd.start[last];
    for (std::size_t d = 0; d < last; ++d) off += (sd.start[d] + i[d] * sd.step[d]) * in_stride[d];
    const std::byte* src = x.raw() + static_cast<std::size_t>(off) * width;
    if (sd.step[last] == 1) {
      std::memcpy(dst, src, static_cast<std::size_t>(run) * width);
    } else {
      for (int64_t k = 0; k < run; ++k) {
        std::memcpy(dst + static_cast<std::size_t>(k) * width,
                    src + static_cast<std::ptrdiff_t>(k * sd.step[last]) *
                              static_cast<std::ptrdiff_t>(width),
                    width);
      }
    }
    dst += static_cast<std::size_t>(run) * width;
    for (std::size_t d = last; d-- > 0;) {
      if (++i[d] < sd.count[d]) break;
      i[d] = 0;
    }
  }
}

// The split sizes: given (attribute before opset 13, else input), or equal
// parts over the outputs (the last one smaller, opset 18's num_outputs).
std::vector<int64_t> split_sizes(const Graph& g, const Node& n, Inputs inputs, int64_t dim,
                                 std::size_t parts) {
  if (auto given = ints_from_input_or_attr(g, n, inputs, 1, "split", 13)) {
    if (given->size() != parts) {
      fail(g, n,
           "split has " + std::to_string(given->size()) + " sizes for " + std::to_string(parts) +
               " outputs");
    }
    int64_t total = 0;
    for (int64_t v : *given) {
      if (v < 0) fail(g, n, "split sizes must be non-negative");
      total += v;
    }
    if (total != dim) {
      fail(g, n,
           "split sizes sum to " + std::to_string(total) + ", the axis has " + std::to_string(dim));
    }
    return *given;
  }
  const auto p = static_cast<int64_t>(parts);
  const int64_t each = n.has_attr("num_outputs") ? (dim + p - 1) / p : dim / p;
  if (!n.has_attr("num_outputs") && dim % p != 0) {
    fail(g, n,
         "axis of " + std::to_string(dim) + " does not split into " + std::to_string(parts) +
             " equal parts");
  }
  std::vector<int64_t> sizes(parts, each);
  sizes.back() = dim - each * (p - 1);
  if (sizes.back() < 0)
    fail(g, n, "cannot split " + std::to_string(dim) + " into " + std::to_string(parts) + " parts");
  return sizes;
}

void run_split(const Graph& g, const Node& n, Inputs inputs, Outputs outputs) {
  const Tensor& x = required_input(g, n, inputs, 0);
  const auto axis = static_cast<std::size_t>(normalize_axis(g, n, n.attr_int("axis", 0), x.rank()));
  const Shape& s = x.shape();
  const auto sizes = split_sizes(g, n, inputs, s[axis], outputs.size());
  const int64_t outer = product(s, 0, axis);
  const std::size_t inner =
      static_cast<std::size_t>(product(s, axis + 1, s.size())) * dtype_size(x.dtype());
  int64_t first = 0;
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    Shape out = s;
    out[axis] = sizes[k];
    outputs[k] = Tensor(x.dtype(), out);
    const std::size_t chunk = static_cast<std::size_t>(sizes[k]) * inner;
    for (int64_t o = 0; o < outer && chunk; ++o) {
      const std::size_t src = (static_cast<std::size_t>(o * s[axis] + first)) * inner;
      std::memcpy(outputs[k].raw() + static_cast<std::size_t>(o) * chunk, x.raw() + src, chunk);
    }
    first += sizes[k];
  }
}

}  // namespace

std::unique_ptr<Kernel> make_gather(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<FunctionKernel>(n, g, run_gather);
}
std::unique_ptr<Kernel> make_slice(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<FunctionKernel>(n, g, run_slice);
}
std::unique_ptr<Kernel> make_split(const Node& n, const Graph& g, const KernelOptions&) {
  if (n.outputs.empty()) fail(g, n, "needs at least one output");
  return std::make_unique<FunctionKernel>(n, g, run_split);
}

}  // namespace aimc::floatk
