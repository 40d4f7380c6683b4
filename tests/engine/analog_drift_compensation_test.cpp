// Drift compensation (engine/analog/drift_compensation.h) on planes whose
// drift is a known factor: halving a column is undone by α = 2 exactly,
// per column or over the tile as the ratio of summed magnitudes.
#include <gtest/gtest.h>

#include <vector>

#include "engine/analog/drift_compensation.h"

namespace aimc {
namespace {

// K=4 × N=3 programmed digits; each column of `read` is `programmed` times
// the column's factor.
struct Planes {
  std::vector<float> programmed, read;
};
Planes drifted(const std::vector<float>& factors) {
  Planes p;
  p.programmed = {3, -1, 2, 5, 2, 2, -7, 4, 2, 1, 1, 2};
  for (std::size_t at = 0; at < p.programmed.size(); ++at)
    p.read.push_back(p.programmed[at] * factors[at % 3]);
  return p;
}

AnalogConfig with(DriftCompensation mode) {
  AnalogConfig c;
  c.compensation = mode;
  c.seed = 5;
  return c;
}

TEST(DriftCompensation, NoneLeavesEveryFactorAtOne) {
  const Planes p = drifted({0.5f, 0.25f, 1.0f});
  EXPECT_EQ(drift_compensation(TileGrid(4, 3, 256, 256), p.programmed, p.read,
                               with(DriftCompensation::kNone), 0, 0, 1.0),
            (std::vector<double>{1, 1, 1}));
}

TEST(DriftCompensation, PerColumnUndoesEachColumnsFactor) {
  const Planes p = drifted({0.5f, 0.25f, 1.0f});
  EXPECT_EQ(drift_compensation(TileGrid(4, 3, 256, 256), p.programmed, p.read,
                               with(DriftCompensation::kColumn), 0, 0, 2.0),
            (std::vector<double>{2, 4, 1}));
}

TEST(DriftCompensation, GlobalIsOneFactorPerTile) {
  // Two columns with the same digits, drifted to a half and to a quarter:
  // in one tile α = (a + a) / (a/2 + a/4) = 8/3 for both; in two, 2 and 4.
  const std::vector<float> programmed = {3, 3, -1, -1, 2, 2, 5, 5};
  std::vector<float> read;
  for (std::size_t at = 0; at < programmed.size(); ++at)
    read.push_back(programmed[at] * (at % 2 ? 0.25f : 0.5f));
  const auto joint = drift_compensation(TileGrid(4, 2, 256, 256), programmed, read,
                                        with(DriftCompensation::kGlobal), 0, 0, 1.0);
  ASSERT_EQ(joint.size(), 2u);
  EXPECT_NEAR(joint[0], 8.0 / 3, 1e-14);
  EXPECT_EQ(joint[1], joint[0]);
  EXPECT_EQ(drift_compensation(TileGrid(4, 2, 256, 1), programmed, read,
                               with(DriftCompensation::kGlobal), 0, 0, 1.0),
            (std::vector<double>{2, 4}));
}

TEST(DriftCompensation, AColumnThatReadsNothingKeepsOne) {
  Planes p = drifted({0.5f, 0.0f, 1.0f});
  EXPECT_EQ(drift_compensation(TileGrid(4, 3, 256, 256), p.programmed, p.read,
                               with(DriftCompensation::kColumn), 0, 0, 1.0),
            (std::vector<double>{2, 1, 1}));
}

TEST(DriftCompensation, RowTilesAndSlicesHaveTheirOwnFactors) {
  // Rows 0-1 and 2-3 in separate row tiles; slice 1 drifts by a quarter.
  Planes p = drifted({0.5f, 0.5f, 0.5f});
  Planes s1 = drifted({0.25f, 0.25f, 0.25f});
  for (std::size_t i = 6; i < 12; ++i) p.read[i] = p.programmed[i];  // row tile 1 undrifted
  p.programmed.insert(p.programmed.end(), s1.programmed.begin(), s1.programmed.end());
  p.read.insert(p.read.end(), s1.read.begin(), s1.read.end());
  EXPECT_EQ(drift_compensation(TileGrid(4, 3, 2, 256, 2), p.programmed, p.read,
                               with(DriftCompensation::kColumn), 0, 0, 1.0),
            (std::vector<double>{2, 2, 2, 1, 1, 1, 4, 4, 4, 4, 4, 4}));
}

}  // namespace
}  // namespace aimc
