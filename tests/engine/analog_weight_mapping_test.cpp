// Weights onto signed digits (engine/analog/weight_mapping.h) on small
// matrices whose levels are computed by hand: per-column and per-tile
// scales, row tiles, an int8 model's own levels, and bit slices with their
// significance factors.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/analog/weight_mapping.h"

namespace aimc {
namespace {

// w_nk from a K×N matrix written row by row (as it reads on paper).
std::vector<float> nk(const std::vector<std::vector<float>>& kn) {
  const std::size_t k = kn.size(), n = kn[0].size();
  std::vector<float> w(k * n);
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < n; ++j) w[j * k + i] = kn[i][j];
  return w;
}

AnalogConfig config(int weight_bits, int tile_rows = 256, int tile_cols = 256) {
  AnalogConfig c;
  c.weight_bits = weight_bits;
  c.tile_rows = tile_rows;
  c.tile_cols = tile_cols;
  return c;
}

TEST(WeightMapping, FourBitsPerColumnRoundHalfAwayOnSevenLevels) {
  // Columns: max |w| 1 and 0.2; levels 2^3 − 1 = 7.
  const auto w = nk({{1.0f, 0.2f}, {-0.5f, 0.1f}});
  const WeightMapping m = map_weights(w, TileGrid(2, 2, 256, 256), config(4), false);
  EXPECT_EQ(m.slices, 1);
  EXPECT_EQ(m.digits, (std::vector<double>{7, 7, -4, 4}));  // −3.5 → −4, 3.5 → 4
  EXPECT_DOUBLE_EQ(m.factor[0], 1.0 / 7);
  EXPECT_DOUBLE_EQ(m.factor[1], double(0.2f) / 7);
  EXPECT_EQ(m.full_scale, (std::vector<double>{7, 7}));
  EXPECT_EQ(m.slice_scale, std::vector<double>{1});
}

TEST(WeightMapping, PerTileScalingSharesTheTilesLargestWeight) {
  AnalogConfig c = config(4, 256, 2);  // columns 0-1 one tile, column 2 another
  c.weight_scaling = WeightScaling::kTile;
  const auto w = nk({{1.0f, 0.2f, 0.2f}, {-0.5f, 0.1f, 0.1f}});
  const WeightMapping m = map_weights(w, TileGrid(2, 3, 256, 2), c, false);
  // Column 1 on column 0's grid: 0.2·7 = 1.4 → 1, 0.7 → 1; column 2 its own.
  EXPECT_EQ(m.digits, (std::vector<double>{7, 1, 7, -4, 1, 4}));
  EXPECT_DOUBLE_EQ(m.factor[1], 1.0 / 7);
  EXPECT_DOUBLE_EQ(m.factor[2], double(0.2f) / 7);
}

TEST(WeightMapping, EachRowTileHasItsOwnScale) {
  const auto w = nk({{2.0f}, {-0.5f}});  // one row per tile
  const WeightMapping m = map_weights(w, TileGrid(2, 1, 1, 256), config(4, 1), false);
  EXPECT_EQ(m.digits, (std::vector<double>{7, -7}));
  EXPECT_EQ(m.factor, (std::vector<double>{2.0 / 7, 0.5 / 7}));
}

TEST(WeightMapping, AnInt8ModelsLevelsAreKeptAtEightBits) {
  const auto w = nk({{-128.0f, 0.0f}, {5.0f, 0.0f}});
  const WeightMapping m = map_weights(w, TileGrid(2, 2, 256, 256), config(8), true);
  EXPECT_EQ(m.digits, (std::vector<double>{-128, 0, 5, 0}));
  EXPECT_EQ(m.factor, (std::vector<double>{1, 1}));
  // A device at g_max holds the column's largest level (1 for a zero column).
  EXPECT_EQ(m.full_scale, (std::vector<double>{128, 1}));
}

TEST(WeightMapping, BitSlicesSplitMagnitudesIntoBase4Digits) {
  AnalogConfig c = config(4);
  c.slice_bits = 2;                                   // base 4: levels up to 7 need 2 slices
  const auto w = nk({{-6.0f, 7.0f}, {-4.0f, 1.0f}});  // column scales 6 and 7
  const WeightMapping m = map_weights(w, TileGrid(2, 2, 256, 256), c, false);
  ASSERT_EQ(m.slices, 2);
  EXPECT_EQ(m.slice_base, 4);
  EXPECT_EQ(m.slice_scale, (std::vector<double>{1, 4}));
  EXPECT_EQ(m.full_scale, (std::vector<double>{3, 3}));
  // Column 0 scaled by 7/6: −6 → −7 = −(3 + 1·4), −4 → round(−4.67) = −5 = −(1 + 1·4).
  // Column 1: 7 = 3 + 1·4, 1 = 1 + 0·4.
  EXPECT_EQ(m.digits, (std::vector<double>{-3, 3, -1, 1, -1, 1, -1, 0}));
  // A zero digit of a negative weight keeps the weight's sign.
  const auto w4 = nk({{-4.0f}, {7.0f}});
  const WeightMapping m4 = map_weights(w4, TileGrid(2, 1, 256, 256), c, false);
  EXPECT_EQ(m4.digits[0], 0.0);
  EXPECT_TRUE(std::signbit(m4.digits[0]));
  EXPECT_EQ(m4.digits[2], -1.0);
}

TEST(WeightMapping, SlicesOfInt8LevelsCover128) {
  AnalogConfig c = config(8);
  c.slice_bits = 2;
  const auto w = nk({{-128.0f}});
  const WeightMapping m = map_weights(w, TileGrid(1, 1, 256, 256), c, true);
  ASSERT_EQ(m.slices, 4);  // 4^3 = 64 <= 128 < 256
  EXPECT_EQ(m.digits, (std::vector<double>{-0.0, -0.0, -0.0, -2}));
  EXPECT_EQ(m.slice_scale, (std::vector<double>{1, 4, 16, 64}));
}

}  // namespace
}  // namespace aimc
