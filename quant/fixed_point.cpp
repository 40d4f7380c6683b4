#include "quant/fixed_point.h"

#include <fixedpoint/fixedpoint.h>

#include <cmath>

namespace aimc::quant {

QuantizedMultiplier quantize_multiplier(double real_multiplier) {
  // Zero, negative and non-finite multipliers have no fixed-point form; the
  // engine refuses the scales that would produce them, this keeps the
  // arithmetic defined regardless.
  if (!(real_multiplier > 0.0) || !std::isfinite(real_multiplier)) return {};
  int shift = 0;
  const double q = std::frexp(real_multiplier, &shift);
  auto q_fixed = static_cast<int64_t>(std::round(q * static_cast<double>(int64_t{1} << 31)));
  if (q_fixed == (int64_t{1} << 31)) {
    q_fixed /= 2;
    ++shift;
  }
  // Multipliers below 2^-31 underflow to zero, as in TFLite.
  if (shift < -31) {
    shift = 0;
    q_fixed = 0;
  }
  // Above 2^30 a left shift would overflow int32: saturate, as TFLite does.
  if (shift > 30) {
    shift = 30;
    q_fixed = (int64_t{1} << 31) - 1;
  }
  return {static_cast<int32_t>(q_fixed), shift};
}

int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  return gemmlowp::SaturatingRoundingDoublingHighMul(a, b);
}

int32_t rounding_divide_by_pot(int32_t x, int exponent) {
  return gemmlowp::RoundingDivideByPOT(x, exponent);
}

int32_t multiply_by_quantized_multiplier(int32_t x, QuantizedMultiplier m) {
  const int left_shift = m.shift > 0 ? m.shift : 0;
  const int right_shift = m.shift > 0 ? 0 : -m.shift;
  // TFLite multiplies by (1 << left_shift) in int32 and relies on the value fitting.
  const auto shifted = static_cast<int32_t>(static_cast<uint32_t>(x) << left_shift);
  return gemmlowp::RoundingDivideByPOT(
      gemmlowp::SaturatingRoundingDoublingHighMul(shifted, m.multiplier), right_shift);
}

}  // namespace aimc::quant
