#include "quant/mul_ref.h"

#include <algorithm>

namespace aimc::quant {

MulQuant make_mul_quant(float input1_scale, int32_t input1_zero_point, float input2_scale,
                        int32_t input2_zero_point, float output_scale, int32_t output_zero_point,
                        ActivationRange range) {
  MulQuant q;
  q.input1_zero_point = input1_zero_point;
  q.input2_zero_point = input2_zero_point;
  q.output_zero_point = output_zero_point;
  q.range = range;
  // TFLite computes the multiplier in double from the float scales.
  q.output =
      quantize_multiplier(static_cast<double>(input1_scale) * static_cast<double>(input2_scale) /
                          static_cast<double>(output_scale));
  return q;
}

int8_t mul_int8_element(const MulQuant& q, int8_t a, int8_t b) {
  const int32_t product = (int32_t{a} - q.input1_zero_point) * (int32_t{b} - q.input2_zero_point);
  const int32_t raw = multiply_by_quantized_multiplier(product, q.output) + q.output_zero_point;
  return static_cast<int8_t>(std::clamp(raw, q.range.min, q.range.max));
}

}  // namespace aimc::quant
