#pragma once
// The input QuantizeLinear of a quantized network: float NCHW planes to int8
// NHWC, each value as quant::quantize_value (x / scale in float, rounded half
// to even, + zero point, clamped to [-128, 127], NaN -> zero point).
// One image's 150k values took 0.45 ms with a libm call per value (6% of
// MobileNetV2 at batch 1); 16 lanes at a time do the same float operations.
#include <cstdint>

namespace aimc::int8k {

// dst[p * channels + c] = q(src[c * positions + p]) for p < positions, c < channels.
void quantize_planes_to_nhwc(const float* src, int64_t channels, int64_t positions, float scale,
                             int32_t zero_point, int8_t* dst);

// The same, one value at a time: the oracle of the vector form.
void quantize_planes_to_nhwc_scalar(const float* src, int64_t channels, int64_t positions,
                                    float scale, int32_t zero_point, int8_t* dst);

}  // namespace aimc::int8k
