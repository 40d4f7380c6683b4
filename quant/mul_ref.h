#pragma once
// Reference int8 elementwise multiply with TFLite's rescaling: the product
// of the zero-point-shifted inputs is requantized once by s1·s2/s_out
// (TFLite reference_integer_ops::Mul). ONNX Runtime's QLinearMul computes
// the same product in float and rounds half to even; the two differ by at
// most one output step.
#include <cstdint>

#include "quant/fixed_point.h"
#include "quant/shapes.h"

namespace aimc::quant {

struct MulQuant {
  int32_t input1_zero_point = 0, input2_zero_point = 0, output_zero_point = 0;
  QuantizedMultiplier output;
  ActivationRange range;
};

MulQuant make_mul_quant(float input1_scale, int32_t input1_zero_point, float input2_scale,
                        int32_t input2_zero_point, float output_scale, int32_t output_zero_point,
                        ActivationRange range);

int8_t mul_int8_element(const MulQuant& q, int8_t a, int8_t b);

}  // namespace aimc::quant
