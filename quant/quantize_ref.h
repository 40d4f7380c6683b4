#pragma once
// Float <-> int8 conversion with ONNX QuantizeLinear semantics:
// q = saturate(round_half_to_even(x / scale) + zero_point).
#include <cstdint>

namespace aimc::quant {

int32_t quantize_value(float x, float scale, int32_t zero_point, int32_t qmin, int32_t qmax);
inline float dequantize_value(int32_t q, float scale, int32_t zero_point) {
  return static_cast<float>(q - zero_point) * scale;
}

// Requantizes between two int8 parameter sets the way TFLite's
// ConcatenationWithScaling does (in float, round half away from zero).
int8_t requantize_float(int8_t q, float in_scale, int32_t in_zero_point, float out_scale,
                        int32_t out_zero_point);

}  // namespace aimc::quant
