// DAC and ADC quantizers (docs/ARCHITECTURE.md, Analog MVM).
#include "quant/converters.h"

#include <gtest/gtest.h>

#include <cmath>

namespace aimc::quant {
namespace {

TEST(Dac, EightBitsAreExactOnTheModelsInputs) {
  const DacSpec dac{8, 255};
  for (int x = -255; x <= 255; ++x) ASSERT_EQ(dac_encode(dac, x), x);
  EXPECT_EQ(dac_encode(dac, 300), 255);  // clips
  EXPECT_EQ(dac_encode(dac, -300), -255);
}

TEST(Dac, FewerBitsRoundToACoarserGrid) {
  const DacSpec dac{4, 255};  // 15 steps of 17 on each side
  EXPECT_EQ(dac_encode(dac, 8), 0);
  EXPECT_EQ(dac_encode(dac, 9), 17);
  EXPECT_EQ(dac_encode(dac, -26), -34);
  EXPECT_EQ(dac_encode(dac, 255), 255);
}

TEST(Adc, RoundsToNearestAndClips) {
  const AdcSpec adc{8, 127.0};  // LSB 1
  EXPECT_DOUBLE_EQ(adc_lsb(adc), 1.0);
  EXPECT_EQ(adc_code(adc, 3.4), 3);
  EXPECT_EQ(adc_code(adc, 3.5), 4);
  EXPECT_EQ(adc_code(adc, -3.5), -4);
  EXPECT_EQ(adc_code(adc, 500), 127);
  EXPECT_EQ(adc_code(adc, -500), -127);
  const AdcSpec coarse{4, 70.0};  // LSB 10
  EXPECT_EQ(adc_code(coarse, 24.9) * adc_lsb(coarse), 20.0);
}

TEST(Rounding, HalfAwayFromZeroLikeStdRound) {
  for (double x : {0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994, 0.0,
                   -0.0, 3.0, 1e15 + 0.5, -1e15 - 0.5, 123456.4999, 7.5000001})
    EXPECT_EQ(round_half_away(x), std::round(x)) << x;
  uint64_t s = 88172645463325252ull;  // xorshift: many values of every magnitude
  for (int i = 0; i < 1000000; ++i) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    const double x = (double(s >> 11) / 9007199254740992.0 - 0.5) * std::ldexp(1.0, i % 40);
    ASSERT_EQ(round_half_away(x), std::round(x)) << x;
  }
}

TEST(Dac, UnsignedClipsNegativeInputsToZero) {
  const DacSpec dac{8, 255, false};
  EXPECT_EQ(dac_encode(dac, 100), 100);
  EXPECT_EQ(dac_encode(dac, -5), 0);
  EXPECT_EQ(dac_encode(dac, 999), 255);
}

TEST(Adc, UnsignedUsesEveryCodeOnOneSide) {
  const AdcSpec adc{8, 255.0, false};  // codes 0..255, LSB 1
  EXPECT_DOUBLE_EQ(adc_lsb(adc), 1.0);
  EXPECT_EQ(adc_max_code(adc), 255);
  EXPECT_EQ(adc_min_code(adc), 0);
  EXPECT_EQ(adc_code(adc, 200.4), 200);
  EXPECT_EQ(adc_code(adc, -3), 0);
  EXPECT_EQ(adc_code(adc, 300), 255);
  const AdcSpec sgn{8, 127.0};
  EXPECT_EQ(adc_min_code(sgn), -127);
}

}  // namespace
}  // namespace aimc::quant
