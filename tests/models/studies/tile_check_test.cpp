// The tile check's statistics, its drift-time list and its rows.
#include "models/studies/tile_check.h"

#include <gtest/gtest.h>

#include "engine/analog/analog_config_json.h"
#include "engine/error.h"

namespace aimc::models {
namespace {

TEST(CompareOutputs, ExactIsZeroErrorAndFullCorrelation) {
  const std::vector<double> y = {10, -20, 30, -5};
  const TileStats s = compare_outputs(y, y);
  EXPECT_EQ(s.mean_relative_error, 0.0);
  EXPECT_EQ(s.rms_relative_error, 0.0);
  EXPECT_EQ(s.max_abs_error, 0.0);
  EXPECT_NEAR(s.correlation, 1.0, 1e-12);
}

TEST(CompareOutputs, AGainShowsAsSystematicError) {
  const std::vector<double> want = {10, -20, 30, -10};
  std::vector<double> got;
  for (double v : want) got.push_back(1.1 * v);
  const TileStats s = compare_outputs(got, want);
  EXPECT_NEAR(s.mean_relative_error, 0.1, 1e-12);  // Σ 0.1·|y| / Σ|y|
  EXPECT_NEAR(s.rms_relative_error, 0.1, 1e-12);
  EXPECT_NEAR(s.max_abs_error, 3.0, 1e-12);
  EXPECT_NEAR(s.correlation, 1.0, 1e-12);
}

TEST(ParseDriftTimes, ReadsCommaSeparatedSeconds) {
  EXPECT_EQ(parse_drift_times("0,3600,1.5e3"), (std::vector<double>{0, 3600, 1500}));
  EXPECT_EQ(parse_drift_times("86400"), (std::vector<double>{86400}));
}

TEST(ParseDriftTimes, RefusesNegativeEmptyAndJunk) {
  for (const char* bad : {"", "-1", "1,,2", "1,x", "nan", "3s"})
    EXPECT_THROW(parse_drift_times(bad), BadInput) << bad;
}

TEST(TileCheck, RowsPerTimeAndCompensationInOrder) {
  TileCheckSetup s;
  s.rows = 24;
  s.cols = 10;
  s.inputs = 3;
  s.seed = 7;
  s.times = {0, 86400};
  int seen = 0;
  const auto rows = tile_check(load_analog_config("ideal", {"device=pcm"}), s,
                               [&](const TileCheckRow&) { ++seen; });
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(seen, 6);
  const char* names[] = {"none", "global", "column"};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].t_inf, s.times[i / 3]);
    EXPECT_EQ(rows[i].compensation, names[i % 3]);
    EXPECT_GT(rows[i].stats.correlation, 0.5);
  }
  // The same seed draws the same layer, inputs and devices.
  const auto again = tile_check(load_analog_config("ideal", {"device=pcm"}), s);
  for (std::size_t i = 0; i < rows.size(); ++i)
    EXPECT_EQ(again[i].stats.rms_relative_error, rows[i].stats.rms_relative_error);
}

TEST(TileCheck, IdealDevicesAreExactUpToFloatRounding) {
  TileCheckSetup s;
  s.rows = 16;
  s.cols = 8;
  s.inputs = 2;
  s.times = {0};
  const auto rows = tile_check(load_analog_config("ideal", {}), s);
  EXPECT_NEAR(rows[0].stats.rms_relative_error, 0.0, 1e-6);
}

}  // namespace
}  // namespace aimc::models
