#pragma once
// Reference int8 elementwise add with TFLite's rescaling: both inputs are
// shifted left by 20 bits, scaled to a common scale (twice the larger input
// scale) and the sum is requantized (TFLite reference_integer_ops::Add).
#include <cstdint>

#include "quant/fixed_point.h"
#include "quant/shapes.h"

namespace aimc::quant {

struct AddQuant {
  int left_shift = 20;
  int32_t input1_zero_point = 0, input2_zero_point = 0, output_zero_point = 0;
  QuantizedMultiplier input1, input2, output;
  ActivationRange range;
};

AddQuant make_add_quant(float input1_scale, int32_t input1_zero_point, float input2_scale,
                        int32_t input2_zero_point, float output_scale, int32_t output_zero_point,
                        ActivationRange range);

int8_t add_int8_element(const AddQuant& q, int8_t a, int8_t b);

// Same-shape inputs.
void add_int8_reference(const AddQuant& q, int64_t count, const int8_t* a, const int8_t* b,
                        int8_t* out);

}  // namespace aimc::quant
