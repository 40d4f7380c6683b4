#pragma once
// Fixed-point requantization exactly as TFLite's reference kernels do it:
// a real multiplier becomes a Q31 multiplier plus a power-of-two shift, and
// is applied with gemmlowp's SaturatingRoundingDoublingHighMul and
// RoundingDivideByPOT (TFLite kernels/internal/common.h, quantization_util.cc).
#include <cstdint>

namespace aimc::quant {

struct QuantizedMultiplier {
  int32_t multiplier = 0;  // Q31, in [2^30, 2^31) unless zero
  int shift = 0;           // > 0: left shift, < 0: right shift
};

// TFLite QuantizeMultiplier: frexp, round half away from zero, renormalise 2^31.
QuantizedMultiplier quantize_multiplier(double real_multiplier);

// TFLite MultiplyByQuantizedMultiplier (double rounding, not TFLITE_SINGLE_ROUNDING).
int32_t multiply_by_quantized_multiplier(int32_t x, QuantizedMultiplier m);

// gemmlowp primitives, re-exported so kernels need not include gemmlowp.
int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b);
int32_t rounding_divide_by_pot(int32_t x, int exponent);

}  // namespace aimc::quant
