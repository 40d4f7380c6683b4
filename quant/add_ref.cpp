#include "quant/add_ref.h"

#include <algorithm>

namespace aimc::quant {

AddQuant make_add_quant(float input1_scale, int32_t input1_zero_point, float input2_scale,
                        int32_t input2_zero_point, float output_scale, int32_t output_zero_point,
                        ActivationRange range) {
  AddQuant q;
  q.input1_zero_point = input1_zero_point;
  q.input2_zero_point = input2_zero_point;
  q.output_zero_point = output_zero_point;
  q.range = range;
  // TFLite computes these in double from the float scales.
  const double twice_max_input_scale =
      2.0 * std::max(static_cast<double>(input1_scale), static_cast<double>(input2_scale));
  q.input1 = quantize_multiplier(static_cast<double>(input1_scale) / twice_max_input_scale);
  q.input2 = quantize_multiplier(static_cast<double>(input2_scale) / twice_max_input_scale);
  q.output = quantize_multiplier(twice_max_input_scale /
                                 (static_cast<double>(1 << q.left_shift) * output_scale));
  return q;
}

int8_t add_int8_element(const AddQuant& q, int8_t a, int8_t b) {
  const int32_t shifted_a = (int32_t{a} - q.input1_zero_point) * (1 << q.left_shift);
  const int32_t shifted_b = (int32_t{b} - q.input2_zero_point) * (1 << q.left_shift);
  const int32_t scaled_a = multiply_by_quantized_multiplier(shifted_a, q.input1);
  const int32_t scaled_b = multiply_by_quantized_multiplier(shifted_b, q.input2);
  const int32_t raw =
      multiply_by_quantized_multiplier(scaled_a + scaled_b, q.output) + q.output_zero_point;
  return static_cast<int8_t>(std::clamp(raw, q.range.min, q.range.max));
}

void add_int8_reference(const AddQuant& q, int64_t count, const int8_t* a, const int8_t* b,
                        int8_t* out) {
  for (int64_t i = 0; i < count; ++i) out[i] = add_int8_element(q, a[i], b[i]);
}

}  // namespace aimc::quant
