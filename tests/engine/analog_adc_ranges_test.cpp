// ADC ranges (engine/analog/adc_ranges.h) on digit planes summed by hand:
// `max` per column tile and slice, `fixed`, `bound` in normalized units,
// `calibrated` (0 here: the layer measures it) and its percentile.
#include <gtest/gtest.h>

#include <vector>

#include "engine/analog/adc_ranges.h"

namespace aimc {
namespace {

// A K=3 × N=2 plane, one slice: column sums of |digit| 9 and 6.
WeightMapping plane() {
  WeightMapping w;
  w.digits = {1, -2, 3, 4, -5, 0};
  w.full_scale = {7, 5};
  w.factor = {1, 1};
  w.slice_scale = {1};
  return w;
}

TEST(AdcRanges, MaxIsTheWorstColumnOfEachTileAtFullInput) {
  AnalogConfig c;
  const AdcRanges one = adc_ranges(plane(), TileGrid(3, 2, 256, 256), c, 2.0);
  EXPECT_EQ(one.range, std::vector<double>{18});  // max(9, 6) · 2
  EXPECT_EQ(one.unit, std::vector<double>{14});   // 2 · max(7, 5)
  const AdcRanges split = adc_ranges(plane(), TileGrid(3, 2, 256, 1), c, 2.0);
  EXPECT_EQ(split.range, (std::vector<double>{18, 12}));
  EXPECT_EQ(split.unit, (std::vector<double>{14, 10}));
  // Two row tiles: full scales are per row tile and column.
  WeightMapping two_row_tiles = plane();
  two_row_tiles.full_scale = {7, 5, 3, 4};
  const AdcRanges rows = adc_ranges(two_row_tiles, TileGrid(3, 2, 2, 256), c, 1.0);
  EXPECT_EQ(rows.range, (std::vector<double>{6, 5}));  // rows 0-1: max(4, 6); row 2: 5
  EXPECT_EQ(rows.unit, (std::vector<double>{7, 4}));   // max(7, 5); max(3, 4)
}

TEST(AdcRanges, ATileOfZerosGetsRangeOne) {
  WeightMapping w = plane();
  w.digits = {0, 0, 0, 0, 0, 0};
  EXPECT_EQ(adc_ranges(w, TileGrid(3, 2, 256, 256), AnalogConfig{}, 2.0).range,
            std::vector<double>{1});
}

TEST(AdcRanges, SlicesHaveTheirOwnAdcs) {
  WeightMapping w = plane();
  w.digits.insert(w.digits.end(), {1, 1, 1, 1, 1, 0});  // slice 1: sums 3, 2
  w.slice_scale = {1, 4};
  w.slices = 2;
  const AdcRanges r = adc_ranges(w, TileGrid(3, 2, 256, 1, 2), AnalogConfig{}, 1.0);
  EXPECT_EQ(r.range, (std::vector<double>{9, 6, 3, 2}));  // (slice, column tile)
}

TEST(AdcRanges, FixedBoundAndCalibrated) {
  AnalogConfig c;
  c.adc_range = AdcRangeMode::kFixed;
  c.adc_fixed_range = 100;
  EXPECT_EQ(adc_ranges(plane(), TileGrid(3, 2, 256, 1), c, 2.0).range,
            (std::vector<double>{100, 100}));
  c.adc_range = AdcRangeMode::kBound;
  c.adc_bound = 3;
  EXPECT_EQ(adc_ranges(plane(), TileGrid(3, 2, 256, 1), c, 2.0).range,
            (std::vector<double>{42, 30}));  // 3 · 2 · 7, 3 · 2 · 5
  c.adc_range = AdcRangeMode::kCalibrated;
  EXPECT_EQ(adc_ranges(plane(), TileGrid(3, 2, 256, 1), c, 2.0).range, (std::vector<double>{0, 0}));
}

TEST(AdcRanges, CalibratedRangeIsANearestRankPercentileOfMagnitudes) {
  std::vector<float> seen = {-4, 1, 2, 3};
  EXPECT_EQ(calibrated_range(seen, 50), 2);  // rank ceil(0.5 · 4) = 2
  seen = {-4, 1, 2, 3};
  EXPECT_EQ(calibrated_range(seen, 100), 4);
  seen = {-4, 1, 2, 3};
  EXPECT_EQ(calibrated_range(seen, 80), 4);  // rank ceil(3.2) = 4
  std::vector<float> none;
  EXPECT_EQ(calibrated_range(none, 99), 1);
  std::vector<float> zeros = {0, 0};
  EXPECT_EQ(calibrated_range(zeros, 99), 1);
}

}  // namespace
}  // namespace aimc
