#pragma once
// Reference int8 unary functions (sigmoid, tanh, leaky ReLU, hard swish, ...)
// as ONNX Runtime's QLinear lookup-table kernels define them: each of the
// 256 input codes is dequantized, the function applied in float, and the
// result quantized with QuantizeLinear's rounding (half to even) and
// saturation. The table is the specification and the kernel at once.
#include <array>
#include <cstdint>
#include <functional>

#include "quant/shapes.h"

namespace aimc::quant {

// Indexed by the input code + 128.
using Int8Table = std::array<int8_t, 256>;

Int8Table make_unary_table(const std::function<float(float)>& f, float input_scale,
                           int32_t input_zero_point, float output_scale, int32_t output_zero_point,
                           ActivationRange range);

// QuantizeLinear's int8 rounding: saturate(round_half_even(x / scale) + zero_point).
int8_t quantize_int8_half_even(float x, float scale, int32_t zero_point, ActivationRange range);

}  // namespace aimc::quant
