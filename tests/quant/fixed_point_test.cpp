// Requantization arithmetic with hand-computed TFLite/gemmlowp results.
#include "quant/fixed_point.h"

#include <gtest/gtest.h>

#include <limits>

#include "quant/add_ref.h"
#include "quant/pool_ref.h"

namespace aimc::quant {
namespace {

TEST(QuantizeMultiplier, NormalisesIntoQ31) {
  EXPECT_EQ(quantize_multiplier(0.5).multiplier, 1 << 30);
  EXPECT_EQ(quantize_multiplier(0.5).shift, 0);
  EXPECT_EQ(quantize_multiplier(0.75).multiplier, 1610612736);
  EXPECT_EQ(quantize_multiplier(2.0).shift, 2);
  EXPECT_EQ(quantize_multiplier(0.1).multiplier, 1717986918);
  EXPECT_EQ(quantize_multiplier(0.1).shift, -3);
  EXPECT_EQ(quantize_multiplier(0.0).multiplier, 0);
  // Rounds up to exactly 2^31: renormalised to 2^30 with one more shift.
  const auto m = quantize_multiplier(1.0 - 1e-12);
  EXPECT_EQ(m.multiplier, 1 << 30);
  EXPECT_EQ(m.shift, 1);
}

TEST(MultiplyByQuantizedMultiplier, RoundsLikeTflite) {
  EXPECT_EQ(multiply_by_quantized_multiplier(100, quantize_multiplier(0.5)), 50);
  EXPECT_EQ(multiply_by_quantized_multiplier(3, quantize_multiplier(0.75)), 2);    // 2.25
  EXPECT_EQ(multiply_by_quantized_multiplier(-3, quantize_multiplier(0.75)), -2);  // -2.25
  EXPECT_EQ(multiply_by_quantized_multiplier(5, quantize_multiplier(2.0)), 10);
  // 2.5 -> 3 and -2.5 -> -3: RoundingDivideByPOT rounds half away from zero.
  EXPECT_EQ(multiply_by_quantized_multiplier(25, quantize_multiplier(0.1)), 3);
  EXPECT_EQ(multiply_by_quantized_multiplier(-25, quantize_multiplier(0.1)), -3);
}

TEST(SaturatingRoundingDoublingHighMul, SaturatesTheOneOverflowCase) {
  constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
  EXPECT_EQ(saturating_rounding_doubling_high_mul(kMin, kMin), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(rounding_divide_by_pot(-5, 1), -3);  // -2.5 -> -3
  EXPECT_EQ(rounding_divide_by_pot(5, 1), 3);
}

TEST(Add, SameScalesAddsRealValues) {
  // Both inputs and the output at scale 0.1, zero point 0: 3 + 4 = 7.
  const AddQuant q = make_add_quant(0.1f, 0, 0.1f, 0, 0.1f, 0, {});
  EXPECT_EQ(add_int8_element(q, 3, 4), 7);
  EXPECT_EQ(add_int8_element(q, 100, 100), 127);  // saturates
  // Output at scale 0.2 with zero point -10: (0.3 + 0.4) / 0.2 = 3.5 -> 4, -10 -> -6.
  const AddQuant q2 = make_add_quant(0.1f, 0, 0.1f, 0, 0.2f, -10, {});
  EXPECT_EQ(add_int8_element(q2, 3, 4), -6);
}

TEST(Mean, FoldsTheCountIntoTheMultiplier) {
  // 49 values, same scale in and out: mean of 49 copies of v is v.
  const MeanQuant q = make_mean_quant(0.05f, -128, 0.05f, -128, 49);
  // 1.0 = 0.5·2^1, then floor(log2 49) = 5 bits of headroom: shift 1 − 5.
  EXPECT_EQ(q.multiplier.shift, -4);
  EXPECT_EQ(q.multiplier.multiplier, 701219150);  // (2^30 << 5) / 49
  for (int v : {-128, -100, 0, 55, 127}) EXPECT_EQ(mean_int8_from_sum(q, 49 * v), v) << v;
}

}  // namespace
}  // namespace aimc::quant
