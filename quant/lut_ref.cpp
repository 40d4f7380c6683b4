#include "quant/lut_ref.h"

#include <algorithm>
#include <cmath>

namespace aimc::quant {

int8_t quantize_int8_half_even(float x, float scale, int32_t zero_point, ActivationRange range) {
  // The default rounding mode of the C library is to nearest, ties to even.
  const float q = std::nearbyint(x / scale) + static_cast<float>(zero_point);
  const float lo = static_cast<float>(range.min), hi = static_cast<float>(range.max);
  if (std::isnan(q))
    return static_cast<int8_t>(std::clamp<int32_t>(zero_point, range.min, range.max));
  return static_cast<int8_t>(std::clamp(q, lo, hi));
}

Int8Table make_unary_table(const std::function<float(float)>& f, float input_scale,
                           int32_t input_zero_point, float output_scale, int32_t output_zero_point,
                           ActivationRange range) {
  Int8Table table{};
  for (int code = -128; code < 128; ++code) {
    const float x = input_scale * static_cast<float>(code - input_zero_point);
    table[static_cast<std::size_t>(code + 128)] =
        quantize_int8_half_even(f(x), output_scale, output_zero_point, range);
  }
  return table;
}

}  // namespace aimc::quant
