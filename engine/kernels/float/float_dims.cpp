// Ops that only change the shape or element type of a tensor, of any element
// type: Shape, Unsqueeze, Squeeze, Expand, Identity, Dropout (inference),
// Constant, ConstantOfShape, Cast.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "engine/kernels/float/float_kernels.h"
#include "engine/kernels/float/float_tensor_ops.h"

namespace aimc::floatk {
namespace {

using Inputs = std::span<const Tensor* const>;
using Outputs = std::span<Tensor>;

Tensor with_shape(const Tensor& x, Shape shape) {
  Tensor y = x;
  y.reshape(std::move(shape));
  return y;
}

// Shape (opset 15 adds the start/end slice of the dims, clamped to the rank).
void run_shape(const Graph& g, const Node& n, Inputs inputs, Outputs outputs) {
  const Shape& s = required_input(g, n, inputs, 0).shape();
  const auto rank = static_cast<int64_t>(s.size());
  auto clamp = [rank](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t{0}, rank); };
  const int64_t start = clamp(n.attr_int("start", 0)), end = clamp(n.attr_int("end", rank));
  const std::vector<int64_t> dims(s.begin() + start, s.begin() + std::max(start, end));
  outputs[0] = Tensor::from<int64_t>({static_cast<int64_t>(dims.size())}, dims);
}

void run_unsqueeze(const Graph& g, const Node& n, Inputs inputs, Outputs outputs) {
  const Tensor& x = required_input(g, n, inputs, 0);
  const auto axes = ints_from_input_or_attr(g, n, inputs, 1, "axes", 13);
  if (!axes) fail(g, n, "axes are required");
  const int rank = x.rank() + static_cast<int>(axes->size());
  const std::vector<int> at = normalize_axes(g, n, *axes, rank);
  Shape out;
  auto next = x.shape().begin();
  for (int d = 0; d < rank; ++d) {
    out.push_back(std::find(at.begin(), at.end(), d) != at.end() ? 1 : *next++);
  }
  outputs[0] = with_shape(x, out);
}

void run_squeeze(const Graph& g, const Node& n, Inputs inputs, Outputs outputs) {
  const Tensor& x = required_input(g, n, inputs, 0);
  const auto axes = ints_from_input_or_attr(g, n, inputs, 1, "axes", 13);
  std::vector<int> drop;
  if (axes) {
    drop = normalize_axes(g, n, *axes, x.rank());
    for (int d : drop) {
      if (x.dim(d) != 1) {
        fail(g, n, "cannot squeeze axis " + std::to_string(d) + " of " + shape_str(x.shape()));
      }
    }
  }
  Shape out;
  for (int d = 0; d < x.rank(); ++d) {
    const bool squeezed =
        axes ? std::find(drop.begin(), drop.end(), d) != drop.end() : x.dim(d) == 1;
    if (!squeezed) out.push_back(x.dim(d));
  }
  outputs[0] = with_shape(x, out);
}

void run_expand(const Graph& g, const Node& n, Inputs inputs, Outputs outputs) {
  const Tensor& x = required_input(g, n, inputs, 0);
  const auto target = int64_values(g, n, required_input(g, n, inputs, 1), "shape");
  if (std::any_of(target.begin(), target.end(), [](int64_t d) { return d < 0; })) {
    fail(g, n, "shape " + shape_str(target) + " has a negative dim");
  }
  const Shape out = broadcast_shapes(g, n, x.shape(), target);
  check_output_size(g, n, out);
  outputs[0] = broadcast_to(x, out);
}

void run_identity(const Graph& g, const Node& n, Inputs inputs, Outputs outputs) {
  outputs[0] = required_input(g, n, inputs, 0);
}

// Inference Dropout: the identity, and a mask (bool) of all true.
void run_dropout(const Graph& g, const Node& n, Inputs inputs, Outputs outputs) {
  const Tensor& x = required_input(g, n, inputs, 0);
  outputs[0] = x;
  if (outputs.size() > 1 && !n.outputs[1].empty()) {
    outputs[1] = Tensor(DType::kUInt8, x.shape());
    std::fill_n(outputs[1].data<uint8_t>(), x.size(), uint8_t{1});
  }
}

void run_constant(const Graph& g, const Node& n, Inputs, Outputs outputs) {
  if (!n.has_attr("value")) fail(g, n, "only a tensor, float or int Constant is supported");
  outputs[0] = n.attr_tensor("value");
}

void run_constant_of_shape(const Graph& g, const Node& n, Inputs inputs, Outputs outputs) {
  const auto dims = int64_values(g, n, required_input(g, n, inputs, 0), "shape");
  if (std::any_of(dims.begin(), dims.end(), [](int64_t d) { return d < 0; })) {
    fail(g, n, "shape " + shape_str(dims) + " has a negative dim");
  }
  Tensor value = Tensor::from<float>({1}, std::vector<float>{0.0f});
  if (n.has_attr("value")) value = n.attr_tensor("value");
  if (value.size() != 1) fail(g, n, "value must hold one element");
  check_output_size(g, n, dims);
  outputs[0] = Tensor(value.dtype(), dims);
  const std::size_t width = dtype_size(value.dtype());
  for (int64_t i = 0; i < outputs[0].size(); ++i) {
    std::memcpy(outputs[0].raw() + static_cast<std::size_t>(i) * width, value.raw(), width);
  }
}

// ONNX TensorProto element types that Cast may produce here (BOOL is uint8).
DType cast_target(const Graph& g, const Node& n) {
  switch (n.attr_int("to", 0)) {
    case 1:
      return DType::kFloat32;
    case 2:
    case 9:
      return DType::kUInt8;
    case 3:
      return DType::kInt8;
    case 6:
      return DType::kInt32;
    case 7:
      return DType::kInt64;
    default:
      fail(g, n,
           "cannot cast to ONNX element type " + std::to_string(n.attr_int("to", 0)) +
               " (aimc has float32, int64, int32, int8, uint8 and bool)");
  }
}

// A float to an integer type: truncation, NaN as 0, saturated at the range
// (ONNX leaves out-of-range casts undefined; C++ makes them UB).
template <typename To, typename From>
To convert(From v) {
  if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To>) {
    if (std::isnan(v)) return 0;
    if (v <= static_cast<From>(std::numeric_limits<To>::lowest())) {
      return std::numeric_limits<To>::lowest();
    }
    if (v >= static_cast<From>(std::numeric_limits<To>::max())) {
      return std::numeric_limits<To>::max();
    }
  }
  return static_cast<To>(v);
}

void run_cast(const Graph& g, const Node& n, Inputs inputs, Outputs outputs) {
  const Tensor& x = required_input(g, n, inputs, 0);
  const DType to = cast_target(g, n);
  const bool to_bool = n.attr_int("to", 0) == 9;
  Tensor y(to, x.shape());
  visit_dtype(g, n, x.dtype(), [&](auto from_tag) {
    using From = decltype(from_tag);
    visit_dtype(g, n, to, [&](auto to_tag) {
      using To = decltype(to_tag);
      const From* px = x.data<From>();
      To* py = y.data<To>();
      for (int64_t i = 0; i < x.size(); ++i) {
        py[i] = to_bool ? static_cast<To>(px[i] != From{0}) : convert<To>(px[i]);
      }
    });
  });
  outputs[0] = std::move(y);
}

std::unique_ptr<Kernel> function_kernel(const Node& n, const Graph& g, FunctionKernel::Fn fn) {
  return std::make_unique<FunctionKernel>(n, g, fn);
}

}  // namespace

std::unique_ptr<Kernel> make_shape(const Node& n, const Graph& g, const KernelOptions&) {
  return function_kernel(n, g, run_shape);
}
std::unique_ptr<Kernel> make_unsqueeze(const Node& n, const Graph& g, const KernelOptions&) {
  return function_kernel(n, g, run_unsqueeze);
}
std::unique_ptr<Kernel> make_squeeze(const Node& n, const Graph& g, const KernelOptions&) {
  return function_kernel(n, g, run_squeeze);
}
std::unique_ptr<Kernel> make_expand(const Node& n, const Graph& g, const KernelOptions&) {
  return function_kernel(n, g, run_expand);
}
std::unique_ptr<Kernel> make_identity(const Node& n, const Graph& g, const KernelOptions&) {
  return function_kernel(n, g, run_identity);
}
std::unique_ptr<Kernel> make_dropout(const Node& n, const Graph& g, const KernelOptions&) {
  // Training mode draws random masks; aimc only runs inference, so the flag
  // must be a constant false (an absent input or attribute is false).
  if (n.attr_int("is_test", 1) == 0 && g.opset < 7) fail(g, n, "is_test=0 (training) is refused");
  if (n.inputs.size() > 2 && !n.inputs[2].empty()) {
    const Tensor* t = g.initializer(n.inputs[2]);
    if (!t || t->size() != 1 || t->dtype() != DType::kUInt8 || t->data<uint8_t>()[0] != 0) {
      fail(g, n, "training_mode must be a constant false: aimc runs inference only");
    }
  }
  return function_kernel(n, g, run_dropout);
}
std::unique_ptr<Kernel> make_constant(const Node& n, const Graph& g, const KernelOptions&) {
  return function_kernel(n, g, run_constant);
}
std::unique_ptr<Kernel> make_constant_of_shape(const Node& n, const Graph& g,
                                               const KernelOptions&) {
  return function_kernel(n, g, run_constant_of_shape);
}
std::unique_ptr<Kernel> make_cast(const Node& n, const Graph& g, const KernelOptions&) {
  cast_target(g, n);  // refuses an unsupported target at load
  return function_kernel(n, g, run_cast);
}

}  // namespace aimc::floatk
