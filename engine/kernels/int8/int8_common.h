#pragma once
// Helpers shared by the integer kernels: reading quantization parameters of
// a value from the graph, NHWC views, attribute -> geometry.
#include <string>

#include "engine/error.h"
#include "engine/graph.h"
#include "engine/kernel.h"
#include "quant/conv_ref.h"
#include "quant/shapes.h"

namespace aimc::int8k {

const QuantParams& quant_of(const Graph& g, const Node& n, const std::string& value);
quant::ActivationRange activation_range(const Node& n);

// ONNX conv/pool attributes -> geometry; kernel_shape falls back to `kernel`.
quant::ConvGeometry conv_geometry(const Graph& g, const Node& n, int kernel_h, int kernel_w);

// The NHWC view of a rank-4 int8 activation; throws naming the node otherwise.
quant::Nhwc nhwc_of(const Graph& g, const Node& n, const Tensor& t);

// Allocates an int8 NHWC tensor.
Tensor make_nhwc(const quant::Nhwc& s);

[[noreturn]] void fail(const Graph& g, const Node& n, const std::string& what);

// quantize_multiplier of s_in * s_w / s_out, refusing (naming the node) a
// multiplier that is not finite or outside (0, 2^24]: the fixed-point
// requantization cannot represent it (a zero, NaN or denormal scale in a
// hostile model would otherwise be undefined behaviour further on).
quant::QuantizedMultiplier checked_multiplier(const Graph& g, const Node& n, double real);

}  // namespace aimc::int8k
