// Device programming (engine/analog/device_programming.h) on a few pairs
// worked out by hand: which device holds a level and which keys it draws
// under, exact devices, stuck-at faults, drift, and the sweep's store of
// draws.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "engine/analog/device_programming.h"
#include "noise-models/counter_rng.h"

namespace aimc {
namespace {

// One row of digits {3, −2} on full scale 7 (4-bit weights), one slice.
WeightMapping row() {
  WeightMapping w;
  w.digits = {3, -2};
  w.full_scale = {7, 7};
  w.factor = {1, 1};
  w.slice_scale = {1};
  return w;
}

double z_prog(uint64_t seed, uint32_t layer, uint32_t tile, uint32_t col, uint32_t extra) {
  return noise::standard_normal({seed, layer, tile, 0, col, noise::Purpose::kProgramming, extra});
}

TEST(DeviceProgramming, ExactDevicesKeepTheDigits) {
  AnalogConfig c;  // ideal
  const ProgrammedPlanes p = program_devices(row(), TileGrid(1, 2, 256, 256), c, 0, 0);
  EXPECT_EQ(p.read, (std::vector<float>{3, -2}));
  EXPECT_EQ(p.programmed, (std::vector<float>{3, -2}));
}

TEST(DeviceProgramming, TheDeviceHoldingTheLevelDrawsUnderExtraZero) {
  AnalogConfig c;
  c.device = "gaussian";
  c.gaussian.prog_sigma = 1;  // µS, absolute; g_max 25
  c.seed = 9;
  // One column per tile: column 1 is tile 3 + 1.
  const ProgrammedPlanes p = program_devices(row(), TileGrid(1, 2, 256, 1), c, 4, 3);
  const double g3 = 25.0 * 3 / 7, g2 = 25.0 * 2 / 7;
  // Column 0 (positive): G+ holds the level (extra 0), G− is its partner (1).
  const double plus0 = std::max(g3 + z_prog(9, 4, 3, 0, 0), 0.0);
  const double minus0 = std::max(0.0 + z_prog(9, 4, 3, 0, 1), 0.0);
  EXPECT_FLOAT_EQ(p.programmed[0], (plus0 - minus0) / 25 * 7);
  // Column 1 (negative): G− holds it.
  const double plus1 = std::max(0.0 + z_prog(9, 4, 4, 1, 1), 0.0);
  const double minus1 = std::max(g2 + z_prog(9, 4, 4, 1, 0), 0.0);
  EXPECT_FLOAT_EQ(p.programmed[1], (plus1 - minus1) / 25 * 7);
  EXPECT_EQ(p.read, p.programmed);  // no read noise
}

TEST(DeviceProgramming, EachSliceDrawsUnderItsOwnPairOfExtras) {
  AnalogConfig c;
  c.device = "gaussian";
  c.gaussian.prog_sigma = 1;
  WeightMapping w;
  w.slices = 2;
  w.digits = {1, 2};  // slice 0, then slice 1, of one weight
  w.full_scale = {3};
  const ProgrammedPlanes p = program_devices(w, TileGrid(1, 1, 256, 256, 2), c, 0, 0);
  const double plus = std::max(25.0 * 2 / 3 + z_prog(0, 0, 0, 0, 2), 0.0);
  const double minus = std::max(z_prog(0, 0, 0, 0, 3), 0.0);
  EXPECT_FLOAT_EQ(p.programmed[1], (plus - minus) / 25 * 3);
}

TEST(DeviceProgramming, StuckDevicesIgnoreTheirTargets) {
  AnalogConfig c;  // ideal devices, but every one stuck at g_max
  c.faults.p_stuck_gmax = 1;
  const ProgrammedPlanes p = program_devices(row(), TileGrid(1, 2, 256, 256), c, 0, 0);
  EXPECT_EQ(p.read, (std::vector<float>{0, 0}));
  EXPECT_EQ(p.programmed, (std::vector<float>{0, 0}));
}

TEST(DeviceProgramming, PcmDriftShrinksTheReadNotTheProgrammedLevel) {
  AnalogConfig c;
  c.device = "pcm";
  c.pcm.prog_noise_scale = 0;
  c.pcm.read_noise_scale = 0;
  c.t_inf = 86400;
  const ProgrammedPlanes p = program_devices(row(), TileGrid(1, 2, 256, 256), c, 0, 0);
  EXPECT_NEAR(p.programmed[0], 3, 1e-6);
  EXPECT_NEAR(p.programmed[1], -2, 1e-6);
  // ((t + t0) / t0)^−ν with 0.049 <= ν <= 0.1 + 3·0.045 at most.
  for (int j = 0; j < 2; ++j) {
    EXPECT_LT(std::abs(p.read[j]), std::abs(p.programmed[j]));
    EXPECT_GT(std::abs(p.read[j]), std::abs(p.programmed[j]) * 0.05);
  }
  c.t_inf = 0;
  const ProgrammedPlanes fresh = program_devices(row(), TileGrid(1, 2, 256, 256), c, 0, 0);
  EXPECT_EQ(fresh.read, fresh.programmed);
}

TEST(DeviceProgramming, SharedDrawsGiveTheSamePlanes) {
  AnalogConfig c;
  c.device = "pcm";
  c.t_inf = 3600;
  c.faults.p_stuck_zero = 0.2;
  const ProgrammedPlanes alone = program_devices(row(), TileGrid(1, 2, 256, 256), c, 2, 0);
  c.draw_cache = std::make_shared<DrawCache>();
  const ProgrammedPlanes first = program_devices(row(), TileGrid(1, 2, 256, 256), c, 2, 0);
  c.t_inf = 86400;  // another point of a sweep: the same draws, its own read noise
  const ProgrammedPlanes later = program_devices(row(), TileGrid(1, 2, 256, 256), c, 2, 0);
  EXPECT_EQ(c.draw_cache->entries(), 1u);
  EXPECT_EQ(first.read, alone.read);
  EXPECT_EQ(first.programmed, alone.programmed);
  c.draw_cache = nullptr;
  EXPECT_EQ(program_devices(row(), TileGrid(1, 2, 256, 256), c, 2, 0).read, later.read);
}

// Read noise is drawn anew at each evaluation time (aihwkit draws it at each
// drift_analog_weights call): with drift off, the reads of two times differ
// by the read noise alone, and they are uncorrelated between times.
TEST(DeviceProgramming, ReadNoiseIsDrawnAnewAtEachTime) {
  AnalogConfig c;
  c.device = "pcm";
  c.pcm.prog_noise_scale = 0;
  c.pcm.drift_scale = 0;
  const int n = 2000;
  WeightMapping w;
  w.factor.assign(n, 1.0);
  w.full_scale.assign(n, 4.0);
  w.slice_scale = {1.0};
  w.digits.assign(n, 3.0);
  std::vector<double> e1, e2;
  for (double t : {3600.0, 3600.5}) {
    c.t_inf = t;
    const ProgrammedPlanes p = program_devices(w, TileGrid(1, n, 256, 256), c, 0, 0);
    auto& e = t == 3600.0 ? e1 : e2;
    for (float r : p.read) e.push_back(r - 3.0);
  }
  double s11 = 0, s22 = 0, s12 = 0;
  for (int j = 0; j < n; ++j) s11 += e1[j] * e1[j], s22 += e2[j] * e2[j], s12 += e1[j] * e2[j];
  EXPECT_GT(s11, 0.0);
  // The read noise of nearly equal times has nearly equal σ but fresh draws:
  // |r| < 4/sqrt(n) for independent ones.
  EXPECT_LT(std::fabs(s12 / std::sqrt(s11 * s22)), 4.0 / std::sqrt(double(n)));
}

}  // namespace
}  // namespace aimc
