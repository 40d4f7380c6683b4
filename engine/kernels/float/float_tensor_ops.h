#pragma once
// Helpers of the shape, index and reduction kernels: axes given as an
// attribute or an input (the form changed across opsets), numpy broadcasting
// of any element type, the output size limit, and a kernel that is a plain
// function of its node and inputs.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/kernels/float/float_common.h"

namespace aimc::floatk {

// The int64 values of optional input `index`, or of attribute `attr` when the
// node's opset gives them as an attribute (opset < `input_since`); nullopt
// when neither is present.
std::optional<std::vector<int64_t>> ints_from_input_or_attr(const Graph& g, const Node& n,
                                                            std::span<const Tensor* const> inputs,
                                                            std::size_t index,
                                                            const std::string& attr,
                                                            int64_t input_since);

// Axes mapped into [0, rank), refusing repeats.
std::vector<int> normalize_axes(const Graph& g, const Node& n, const std::vector<int64_t>& axes,
                                int rank);

// Multidirectional (numpy) broadcast of two shapes; refuses a mismatch.
Shape broadcast_shapes(const Graph& g, const Node& n, const Shape& a, const Shape& b);

// Per output dim, the element stride of an input broadcast to `out` (0 where
// it repeats); `in` must broadcast to `out`.
std::vector<int64_t> broadcast_strides(const Shape& in, const Shape& out);

// Refuses a computed output shape beyond the tensor limit (engine/limits.h).
void check_output_size(const Graph& g, const Node& n, const Shape& shape);

// Copies `x` broadcast to `out` into a new tensor of x's dtype.
Tensor broadcast_to(const Tensor& x, const Shape& out);

// A kernel whose node needs no preparation beyond what its factory checks:
// it runs a plain function of the node and its inputs.
class FunctionKernel : public Kernel {
 public:
  using Fn = void (*)(const Graph&, const Node&, std::span<const Tensor* const>, std::span<Tensor>);
  FunctionKernel(const Node& n, const Graph& g, Fn fn) : node_(n), graph_(g), fn_(fn) {}
  void run(const RunContext&, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    fn_(graph_, node_, inputs, outputs);
  }

 private:
  const Node& node_;
  const Graph& graph_;
  Fn fn_;
};

}  // namespace aimc::floatk
