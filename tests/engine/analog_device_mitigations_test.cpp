// Device-level mitigations: several differential pairs per weight, whose
// currents add, and program-and-verify. Each test checks the mechanism's
// statistics, and that the timing model pays for the extra arrays.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <vector>

#include "engine/analog/device_programming.h"
#include "engine/hardware/hardware.h"
#include "engine/passes/place.h"
#include "engine/timing/cluster_model.h"

namespace aimc {
namespace {

// n weights of digit 3 on full scale 7, one row of n columns.
WeightMapping row_of_threes(int n) {
  WeightMapping w;
  w.factor.assign(n, 1.0);
  w.full_scale.assign(n, 7.0);
  w.slice_scale = {1.0};
  w.digits.assign(n, 3.0);
  return w;
}

// Sample variance of the programmed digits (programming noise alone). Around
// their mean, not 3: the partner at 0 µS is clamped at 0, a bias that more
// pairs do not average away.
double programming_variance(const AnalogConfig& c, int n) {
  const ProgrammedPlanes p = program_devices(row_of_threes(n), TileGrid(1, n, 256, 256), c, 5, 0);
  double mean = 0, s = 0;
  for (float v : p.programmed) mean += v / n;
  for (float v : p.programmed) s += (v - mean) * (v - mean);
  return s / (n - 1);
}

AnalogConfig pcm_programming_only() {
  AnalogConfig c;
  c.device = "pcm";
  c.pcm.drift_scale = 0;
  c.pcm.read_noise_scale = 0;
  return c;
}

TEST(DifferentialPairs, NPairsDivideTheProgrammingNoiseVarianceByN) {
  const int n = 4000;
  AnalogConfig c = pcm_programming_only();
  const double one = programming_variance(c, n);
  for (int pairs : {2, 4, 8}) {
    SCOPED_TRACE(pairs);
    c.pairs_per_weight = pairs;
    // The variance of a variance estimate of n samples is 2σ⁴/n: 5 % here.
    EXPECT_NEAR(programming_variance(c, n) * pairs / one, 1.0, 0.12);
  }
}

TEST(DifferentialPairs, OnePairIsTheFormerMapping) {
  AnalogConfig c;
  c.device = "pcm";
  c.t_inf = 3600;
  const WeightMapping w = row_of_threes(64);
  const ProgrammedPlanes a = program_devices(w, TileGrid(1, 64, 256, 256), c, 1, 0);
  c.pairs_per_weight = 2;
  const ProgrammedPlanes b = program_devices(w, TileGrid(1, 64, 256, 256), c, 1, 0);
  // The first pair keeps its keys: the mean of two pairs is not the first alone.
  EXPECT_NE(a.read, b.read);
  c.draw_cache = std::make_shared<DrawCache>();
  EXPECT_EQ(program_devices(w, TileGrid(1, 64, 256, 256), c, 1, 0).read, b.read);
}

TEST(ProgramAndVerify, IterationsShrinkTheSpread) {
  const int n = 4000;
  AnalogConfig c = pcm_programming_only();
  c.verify_tolerance = 0.02;  // 0.5 µS of 25
  double previous = programming_variance(c, n);
  for (int iterations : {2, 4, 8}) {
    SCOPED_TRACE(iterations);
    c.verify_iterations = iterations;
    const double v = programming_variance(c, n);
    EXPECT_LT(v, 0.8 * previous);
    previous = v;
  }
  // Enough attempts, a noiseless read-back: every device within tolerance
  // (0.02·7 digits, the digit range of g_max).
  c.verify_iterations = 60;
  const ProgrammedPlanes p = program_devices(row_of_threes(n), TileGrid(1, n, 256, 256), c, 5, 0);
  for (float v : p.programmed) EXPECT_LE(std::fabs(v - 3.0), 2 * 0.02 * 7 + 1e-5);
}

TEST(ProgramAndVerify, ANoisyReadBackLetsSomeDevicesThrough) {
  const int n = 4000;
  AnalogConfig c = pcm_programming_only();
  c.verify_iterations = 60;
  const double quiet = programming_variance(c, n);
  c.pcm.read_noise_scale = 1;  // the verify reads see the 1/f noise at t0
  c.pcm.drift_scale = 0;
  const ProgrammedPlanes p = program_devices(row_of_threes(n), TileGrid(1, n, 256, 256), c, 5, 0);
  double s = 0;
  for (float v : p.programmed) s += (v - 3.0) * (v - 3.0);
  EXPECT_GT(s / n, quiet);
}

// Rows are programmed in parallel; every pair and every verify attempt is a
// function of its own key, so the planes are the same bits for any thread count.
TEST(DeviceMitigations, PairsAndVerifyAreTheSameForAnyThreadCount) {
  constexpr int kRows = 96, kCols = 40, kRowTiles = 3;  // tiles of 32 rows
  WeightMapping w;
  w.factor.assign(kRowTiles * kCols, 1.0);
  w.full_scale.assign(kRowTiles * kCols, 7.0);
  w.slice_scale = {1.0};
  for (int i = 0; i < kRows * kCols; ++i) w.digits.push_back(double(i % 15 - 7));
  AnalogConfig c;
  c.device = "pcm";
  c.t_inf = 86400;
  c.pairs_per_weight = 3;
  c.verify_iterations = 4;
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const ProgrammedPlanes one = program_devices(w, TileGrid(kRows, kCols, 32, 256), c, 2, 0);
  omp_set_num_threads(2);
  const ProgrammedPlanes two = program_devices(w, TileGrid(kRows, kCols, 32, 256), c, 2, 0);
  omp_set_num_threads(threads);
  EXPECT_EQ(one.read, two.read);
  EXPECT_EQ(one.programmed, two.programmed);
}

TEST(DifferentialPairs, PlacementAndTimingCountTheCopies) {
  AnalogConfig c;
  c.pairs_per_weight = 3;
  const PlacementPolicy p = analog_policy(c);
  EXPECT_EQ(p.pairs_per_weight, 3);
  timing::LayerShape l;
  l.name = "fc";
  l.op = timing::LayerOp::kGemm;
  l.in_c = 512;
  l.out_c = 256;
  l.placement = NodePlacement{Unit::kArrays, 2, 2, 1, 0};
  Hardware h;
  const timing::TimingReport one = timing::estimate({l}, h, timing::System::kMultiArray);
  l.placement.copies = 3;
  const timing::TimingReport three = timing::estimate({l}, h, timing::System::kMultiArray);
  EXPECT_EQ(three.layers[0].arrays, 3 * one.layers[0].arrays);
  EXPECT_DOUBLE_EQ(three.layers[0].cycles, one.layers[0].cycles);
  EXPECT_GT(three.layers[0].energy_uj, one.layers[0].energy_uj);
}

}  // namespace
}  // namespace aimc
