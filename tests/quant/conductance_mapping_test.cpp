// Weight → conductance mapping (docs/ARCHITECTURE.md, Analog MVM): levels, bit slices and pairs.
#include "quant/conductance_mapping.h"

#include <gtest/gtest.h>

namespace aimc::quant {
namespace {

TEST(ConductanceMapping, LevelsAndQuantization) {
  EXPECT_EQ(weight_levels(4), 7);
  EXPECT_EQ(weight_levels(8), 127);
  EXPECT_EQ(quantize_weight(50, 100, 7), 4);  // 3.5 rounds away from zero
  EXPECT_EQ(quantize_weight(-50, 100, 7), -4);
  EXPECT_EQ(quantize_weight(-100, 100, 7), -7);
  EXPECT_EQ(quantize_weight(3, 0, 7), 0);  // an all-zero column
}

TEST(ConductanceMapping, BitSlicesRecomposeTheMagnitude) {
  EXPECT_EQ(slices_needed(127, 2), 4);
  EXPECT_EQ(slices_needed(128, 2), 4);
  EXPECT_EQ(slices_needed(255, 4), 2);
  EXPECT_EQ(slices_needed(256, 4), 3);
  for (int m = 0; m <= 128; ++m) {
    const auto d = slice_digits(m, 2, 4);
    ASSERT_EQ(d.size(), 4u);
    double sum = 0, weight = 1;
    for (double digit : d) {
      ASSERT_GE(digit, 0);
      ASSERT_LT(digit, 4);
      sum += digit * weight;
      weight *= 4;
    }
    ASSERT_EQ(sum, m);
  }
}

TEST(ConductanceMapping, DifferentialPairHoldsTheSign) {
  const PairTargets p = pair_targets(5, 10, 25);
  EXPECT_DOUBLE_EQ(p.plus, 12.5);
  EXPECT_DOUBLE_EQ(p.minus, 0);
  const PairTargets n = pair_targets(-10, 10, 25);
  EXPECT_DOUBLE_EQ(n.plus, 0);
  EXPECT_DOUBLE_EQ(n.minus, 25);
}

}  // namespace
}  // namespace aimc::quant
