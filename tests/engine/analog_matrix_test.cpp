// Crossbar tiles (docs/ARCHITECTURE.md, Analog MVM and Device models): exactness with an ideal
// device, ADC error bounds, weight precision and scaling, bit slicing, PCM drift against its closed
// form and its compensation, devices and faults, the block path against the reference path,
// determinism.
#include "engine/analog/analog_matrix.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <random>

namespace aimc {
namespace {

constexpr int kRows = 600, kCols = 300;  // 3 × 2 tiles of 256 × 256
constexpr double kDay = 86400;

std::vector<float> random_weights(int k, int n, uint32_t seed, int lo = -127, int hi = 127) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<float> w(std::size_t(k) * n);
  for (auto& v : w) v = static_cast<float>(d(rng));
  return w;
}

std::vector<float> random_inputs(int count, int k, uint32_t seed, int lo = -127, int hi = 255) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<float> x(std::size_t(count) * k);
  for (auto& v : x) v = static_cast<float>(d(rng));
  return x;
}

// Σ_k x_k·w_kn for each job, exactly.
std::vector<double> exact(const std::vector<float>& w, const std::vector<float>& x, int count,
                          int k, int n) {
  std::vector<double> y(std::size_t(count) * n, 0.0);
  for (int p = 0; p < count; ++p)
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < k; ++i)
        y[std::size_t(p) * n + j] += double(x[std::size_t(p) * k + i]) * w[std::size_t(j) * k + i];
  return y;
}

AnalogMatrix make(const std::vector<float>& w, int k, int n, const AnalogConfig& c,
                  uint32_t layer = 0) {
  return AnalogMatrix(w, k, n, layer, 0, c, true, c.dac.full_scale);
}

std::vector<double> run_block(const AnalogMatrix& m, const std::vector<float>& x, int count,
                              uint32_t image = 0) {
  std::vector<JobKey> jobs(count);
  for (int p = 0; p < count; ++p) jobs[p] = {image, static_cast<uint32_t>(p)};
  std::vector<double> y(std::size_t(count) * m.cols());
  std::vector<float> scratch;
  m.mvm_block(x.data(), count, jobs.data(), nullptr, y.data(), scratch);
  return y;
}

std::vector<double> run_reference(const AnalogMatrix& m, const std::vector<float>& x, int count,
                                  uint32_t image = 0) {
  std::vector<double> y(std::size_t(count) * m.cols());
  for (int p = 0; p < count; ++p)
    m.mvm_reference(&x[std::size_t(p) * m.rows()], {image, static_cast<uint32_t>(p)}, nullptr,
                    &y[std::size_t(p) * m.cols()]);
  return y;
}

std::vector<long long> rounded(const std::vector<double>& v) {
  std::vector<long long> r;
  for (double d : v) r.push_back(std::llround(d));
  return r;
}

TEST(AnalogMatrix, IdealDeviceWithWideAdcIsExactInBothPaths) {
  AnalogConfig c;
  c.adc_bits = 28;  // range `max`: never clips; LSB small enough for exact rounding
  const auto w = random_weights(kRows, kCols, 1);
  const AnalogMatrix m = make(w, kRows, kCols, c);
  EXPECT_EQ(m.row_tiles(), 3);
  EXPECT_EQ(m.col_tiles(), 2);
  const auto x = random_inputs(7, kRows, 10);
  const auto want = rounded(exact(w, x, 7, kRows, kCols));
  EXPECT_EQ(rounded(run_block(m, x, 7)), want);
  EXPECT_EQ(rounded(run_reference(m, x, 7)), want);
}

TEST(AnalogMatrix, UnsignedAdcClipsNegativeCurrentsToZero) {
  AnalogConfig c;
  c.adc_bits = 16;
  c.adc_signed = false;
  const auto w = random_weights(100, 30, 71);
  const AnalogMatrix m = make(w, 100, 30, c);
  const auto x = random_inputs(4, 100, 72, 0, 255);
  const auto want = exact(w, x, 4, 100, 30);
  const auto got = run_block(m, x, 4);
  int clipped = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (want[i] < 0) {
      ASSERT_EQ(got[i], 0.0);
      ++clipped;
    } else {
      ASSERT_NEAR(got[i], want[i], m.own_adc_ranges()[0] / 65535.0);  // half an LSB
    }
  }
  EXPECT_GT(clipped, 10);
}

TEST(AnalogMatrix, BitSlicedIdealDevicesAreExactToo) {
  AnalogConfig c;
  c.adc_bits = 28;
  c.slice_bits = 2;  // 4 slices of 2 bits hold |w| <= 128
  const auto w = random_weights(300, 40, 2);
  const AnalogMatrix m = make(w, 300, 40, c);
  EXPECT_EQ(m.slices(), 4);
  const auto x = random_inputs(3, 300, 3);
  EXPECT_EQ(rounded(run_block(m, x, 3)), rounded(exact(w, x, 3, 300, 40)));
  for (int i = 0; i < 300; i += 37)
    for (int j = 0; j < 40; ++j) ASSERT_EQ(m.effective_weight(i, j), w[std::size_t(j) * 300 + i]);
}

TEST(AnalogMatrix, EightBitAdcErrorIsBoundedByHalfAnLsbPerRowTile) {
  AnalogConfig c;  // 8-bit ADC, range max
  const auto w = random_weights(kRows, kCols, 2);
  const AnalogMatrix m = make(w, kRows, kCols, c);
  const auto x = random_inputs(1, kRows, 3);
  const auto y = run_block(m, x, 1);
  const auto want = exact(w, x, 1, kRows, kCols);
  int differ = 0;
  for (int j = 0; j < kCols; ++j) {
    double bound = 0;
    for (int rt = 0; rt < 3; ++rt)
      bound += m.own_adc_ranges()[m.adc_index(0, rt, j / 256)] / 127.0 / 2.0;
    ASSERT_LE(std::fabs(y[j] - want[j]), bound + 1e-6) << "column " << j;
    differ += std::llround(y[j]) != std::llround(want[j]);
  }
  EXPECT_GT(differ, kCols / 2) << "an 8-bit ADC should not be exact";
}

TEST(AnalogMatrix, FourBitWeightsLieOnAPerColumnGrid) {
  AnalogConfig c;
  c.weight_bits = 4;  // 7 levels each side
  const auto w = random_weights(64, 8, 4);
  const AnalogMatrix m = make(w, 64, 8, c);
  for (int j = 0; j < 8; ++j) {
    double col_max = 0;
    for (int i = 0; i < 64; ++i)
      col_max = std::max(col_max, double(std::fabs(w[std::size_t(j) * 64 + i])));
    for (int i = 0; i < 64; ++i) {
      const double level = m.effective_weight(i, j) * 7.0 / col_max;
      ASSERT_NEAR(level, std::round(level), 1e-9);
      ASSERT_NEAR(m.effective_weight(i, j), w[std::size_t(j) * 64 + i], col_max / 14.0 + 1e-9);
    }
  }
}

TEST(AnalogMatrix, PerTileScalingSharesOneGridAcrossTheTile) {
  AnalogConfig c;
  c.weight_bits = 4;
  c.weight_scaling = WeightScaling::kTile;
  auto w = random_weights(64, 8, 5, -20, 20);
  w[3 * 64 + 5] = 127;  // the tile's largest weight sets every column's grid
  const AnalogMatrix m = make(w, 64, 8, c);
  for (int j = 0; j < 8; ++j)
    for (int i = 0; i < 64; ++i) {
      const double level = m.effective_weight(i, j) * 7.0 / 127.0;
      ASSERT_NEAR(level, std::round(level), 1e-9) << i << "," << j;
    }
  EXPECT_EQ(m.effective_weight(5, 3), 127.0);
}

// E[x^−ν] and E[x^−2ν] for ν = |μ + σZ| (folded normal), by Simpson's rule.
std::pair<double, double> drift_factor_moments(double mu, double sigma, double log_x) {
  constexpr int kSteps = 4000;
  constexpr double kZ = 9.0;
  double m1 = 0, m2 = 0;
  for (int s = 0; s <= kSteps; ++s) {
    const double z = -kZ + 2 * kZ * s / kSteps;
    const double wgt = (s == 0 || s == kSteps) ? 1 : (s % 2 ? 4 : 2);
    const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
    const double f = std::exp(-std::fabs(mu + sigma * z) * log_x);
    m1 += wgt * pdf * f;
    m2 += wgt * pdf * f * f;
  }
  const double h = 2 * kZ / kSteps / 3;
  return {m1 * h, m2 * h};
}

// Mean relative MVM error Σ(ŷ − y)·sign(y) / Σ|y| over a set of inputs.
double mean_relative_error(const std::vector<double>& got, const std::vector<double>& want) {
  double num = 0, den = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    num += (got[i] - want[i]) * (want[i] > 0 ? 1 : -1);
    den += std::fabs(want[i]);
  }
  return num / den;
}

TEST(AnalogMatrix, DriftOfA256TileMatchesTheClosedFormAndGlobalCompensationRemovesIt) {
  // A 256×256 tile, 1 day of drift.
  constexpr int kK = 256, kN = 256, kInputs = 32;
  const auto w = random_weights(kK, kN, 21);
  const auto x = random_inputs(kInputs, kK, 22, 0, 255);  // post-ReLU activations
  const auto want = exact(w, x, kInputs, kK, kN);
  AnalogConfig c;
  c.device = "pcm";
  c.adc_bits = 28;
  c.t_inf = kDay;
  c.seed = 5;
  // Drift alone (programming and read noise off): each device's conductance
  // is multiplied by x^−ν with x = (t + t0)/t0, so E[ŷ_j] = Σ_i x_i w_ij F(g_ij)
  // with F(g) = E[x^−ν(g)] — the closed form of docs/ARCHITECTURE.md, Drift compensation, per
  // device.
  c.pcm.prog_noise_scale = 0;
  c.pcm.read_noise_scale = 0;
  const double log_x = std::log((kDay + c.pcm.t0) / c.pcm.t0);
  double predicted_num = 0, den = 0, variance = 0;
  std::vector<double> coeff(std::size_t(kK) * kN, 0.0);  // ∂(error numerator)/∂(device factor)
  for (int p = 0; p < kInputs; ++p)
    for (int j = 0; j < kN; ++j) {
      const double sgn = want[std::size_t(p) * kN + j] > 0 ? 1 : -1;
      den += std::fabs(want[std::size_t(p) * kN + j]);
      for (int i = 0; i < kK; ++i)
        coeff[std::size_t(i) * kN + j] +=
            sgn * x[std::size_t(p) * kK + i] * w[std::size_t(j) * kK + i];
    }
  std::vector<double> col_max(kN, 0.0);
  for (int j = 0; j < kN; ++j)
    for (int i = 0; i < kK; ++i)
      col_max[j] = std::max(col_max[j], double(std::fabs(w[std::size_t(j) * kK + i])));
  std::map<std::pair<int, int>, std::pair<double, double>> moments;  // by (|w|, column max)
  for (int i = 0; i < kK; ++i)
    for (int j = 0; j < kN; ++j) {
      const double wij = w[std::size_t(j) * kK + i];
      if (wij == 0) continue;
      const auto key = std::make_pair(int(std::fabs(wij)), int(col_max[j]));
      if (!moments.count(key)) {
        const double g = std::fabs(wij) / col_max[j];
        moments[key] =
            drift_factor_moments(noise::pcm_drift_mu(g), noise::pcm_drift_sigma(g), log_x);
      }
      const auto [m1, m2] = moments[key];
      const double cij = coeff[std::size_t(i) * kN + j];
      predicted_num += cij * (m1 - 1.0);
      variance += cij * cij * (m2 - m1 * m1);
    }
  const double predicted = predicted_num / den;
  // Tolerance from the sample: the error is a weighted sum of 65,536
  // independent device factors; 5 standard deviations of that sum.
  const double tolerance = 5 * std::sqrt(variance) / den;
  const AnalogMatrix drifted = make(w, kK, kN, c);
  const double measured = mean_relative_error(run_block(drifted, x, kInputs), want);
  EXPECT_NEAR(measured, predicted, tolerance);
  std::printf("1 day: predicted %.4f ± %.4f, measured %.4f\n", predicted, tolerance / 5, measured);
  EXPECT_LT(predicted, -0.30);
  EXPECT_GT(predicted, -0.45);
  EXPECT_LT(tolerance, 0.02);  // the check is meaningful: far below the drift itself

  // The full PCM model (programming and 1/f read noise too): uncompensated
  // the error stays near the drift prediction; global compensation brings
  // its mean within ±2% of zero.
  c.pcm.prog_noise_scale = 1;
  c.pcm.read_noise_scale = 1;
  const double full = mean_relative_error(run_block(make(w, kK, kN, c), x, kInputs), want);
  EXPECT_NEAR(full, predicted, 0.03);
  c.compensation = DriftCompensation::kGlobal;
  const double compensated = mean_relative_error(run_block(make(w, kK, kN, c), x, kInputs), want);
  std::printf("full PCM: uncompensated %.4f, global compensation %.4f\n", full, compensated);
  EXPECT_NEAR(compensated, 0.0, 0.02);
  c.compensation = DriftCompensation::kColumn;
  const double per_column = mean_relative_error(run_block(make(w, kK, kN, c), x, kInputs), want);
  EXPECT_NEAR(per_column, 0.0, 0.02);
}

TEST(AnalogMatrix, ColumnCompensationHasOneFactorPerColumn) {
  AnalogConfig c;
  c.device = "pcm";
  c.t_inf = kDay;
  c.compensation = DriftCompensation::kColumn;
  const auto w = random_weights(100, 20, 31);
  const AnalogMatrix m = make(w, 100, 20, c);
  int distinct = 0;
  for (int j = 1; j < 20; ++j) distinct += m.compensation(0, 0, j) != m.compensation(0, 0, 0);
  EXPECT_GT(distinct, 15);
  for (int j = 0; j < 20; ++j) {
    EXPECT_GT(m.compensation(0, 0, j), 1.2);  // drift shrinks every column by ~1/3
    EXPECT_LT(m.compensation(0, 0, j), 2.2);
  }
  c.compensation = DriftCompensation::kGlobal;
  const AnalogMatrix g = make(w, 100, 20, c);
  for (int j = 1; j < 20; ++j) EXPECT_EQ(g.compensation(0, 0, j), g.compensation(0, 0, 0));
}

TEST(AnalogMatrix, BlockPathAgreesWithTheReferenceUnderNoise) {
  // Float GEMM sums vs double sums: with noise the two differ only where a
  // rounding moves a current across an ADC step — rarely, and by one step.
  AnalogConfig c;
  c.device = "pcm";
  c.t_inf = 3600;
  c.out_noise = 0.02;
  c.compensation = DriftCompensation::kGlobal;
  c.seed = 9;
  const auto w = random_weights(kRows, kCols, 41);
  const AnalogMatrix m = make(w, kRows, kCols, c);
  const auto x = random_inputs(16, kRows, 42);
  const auto a = run_block(m, x, 16, 3), b = run_reference(m, x, 16, 3);
  int same = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    double step = 0;
    for (int rt = 0; rt < 3; ++rt)
      step = std::max(step, m.own_adc_ranges()[m.adc_index(0, rt, (i % kCols) / 256)] / 127.0);
    ASSERT_LE(std::fabs(a[i] - b[i]), 2.0 * step * 3) << i;  // ≤ one step per row tile (× α)
    same += a[i] == b[i];
  }
  EXPECT_GE(same, static_cast<int>(0.999 * a.size()));
}

TEST(AnalogMatrix, StuckAtFaultsPinDevices) {
  AnalogConfig c;
  c.faults.p_stuck_zero = 1.0;  // every device reads 0: the tile computes nothing
  const auto w = random_weights(50, 10, 51);
  const AnalogMatrix dead = make(w, 50, 10, c);
  for (int i = 0; i < 50; ++i)
    for (int j = 0; j < 10; ++j) ASSERT_EQ(dead.effective_weight(i, j), 0.0);
  // Stuck at g_max: a device pair with one stuck device reads ±full scale
  // where it should not; the fraction of changed weights follows p.
  c.faults = {0.0, 0.05};
  const auto big = random_weights(256, 256, 52);
  const AnalogMatrix faulty = make(big, 256, 256, c);
  int changed = 0;
  for (int i = 0; i < 256; ++i)
    for (int j = 0; j < 256; ++j)
      changed += faulty.effective_weight(i, j) != big[std::size_t(j) * 256 + i];
  // Each weight has two devices: P(changed) ≈ 1 − 0.95² (a stuck "on" device
  // already at g_max is unchanged, which is rare). 5 standard errors.
  const double p = 1 - 0.95 * 0.95, n = 65536;
  EXPECT_NEAR(changed / n, p, 5 * std::sqrt(p * (1 - p) / n) + 0.01);
}

TEST(AnalogMatrix, GaussianDeviceSpreadsWeightsByItsSigma) {
  AnalogConfig c;
  c.device = "gaussian";
  c.gaussian.prog_sigma = 0.25;                          // µS absolute, on g_max = 25 µS
  const auto w = random_weights(256, 256, 61, 60, 127);  // positive: only the + device is on
  const AnalogMatrix m = make(w, 256, 256, c);
  double sum = 0, sum2 = 0, n = 0;
  for (int i = 0; i < 256; ++i)
    for (int j = 0; j < 256; ++j) {
      double col_max = 0;
      for (int r = 0; r < 256; ++r)
        col_max = std::max(col_max, double(w[std::size_t(j) * 256 + r]));
      // Weight error in µS of the on-device (the off device at 0 clips at 0).
      const double e = (m.effective_weight(i, j) - w[std::size_t(j) * 256 + i]) / col_max * 25.0;
      sum += e;
      sum2 += e * e;
      ++n;
    }
  // The off device (target 0) reads max(0.25·z, 0): mean 0.25/√(2π), and its
  // spread adds to the on device's: σ² = 0.25² + 0.25²·(1/2 − 1/(2π)).
  const double mean_off = 0.25 / std::sqrt(2 * M_PI);
  const double var = 0.0625 + 0.0625 * (0.5 - 1 / (2 * M_PI));
  EXPECT_NEAR(sum / n, -mean_off, 5 * std::sqrt(var / n));
  EXPECT_NEAR(std::sqrt(sum2 / n - (sum / n) * (sum / n)), std::sqrt(var), 0.01 * std::sqrt(var));
}

TEST(AnalogMatrix, SharedDrawsGiveIdenticalDevices) {
  const auto w = random_weights(300, 40, 81);
  for (std::string device : {"pcm", "gaussian"}) {
    AnalogConfig c;
    c.device = device;
    c.gaussian.prog_sigma = 0.5;
    c.gaussian.read_sigma = 0.1;
    c.faults.p_stuck_gmax = 0.01;
    c.seed = 6;
    c.t_inf = 86400;
    c.weight_bits = 4;
    const AnalogMatrix alone = make(w, 300, 40, c, 3);
    auto cache = std::make_shared<DrawCache>();
    AnalogConfig shared = c;
    shared.draw_cache = cache;
    shared.t_inf = 3600;  // another point of the sweep fills the cache
    const AnalogMatrix first = make(w, 300, 40, shared, 3);
    shared.t_inf = 86400;
    const AnalogMatrix second = make(w, 300, 40, shared, 3);
    EXPECT_EQ(cache->entries(), 1u);  // drawn once, used twice
    int differ = 0;
    for (int i = 0; i < 300; ++i)
      for (int j = 0; j < 40; ++j) {
        ASSERT_EQ(second.effective_weight(i, j), alone.effective_weight(i, j));
        ASSERT_EQ(second.programmed_weight(i, j), alone.programmed_weight(i, j));
        differ += first.effective_weight(i, j) != alone.effective_weight(i, j);
      }
    if (device == "pcm") {
      EXPECT_GT(differ, 1000);  // 1 h and 1 day differ
    }
  }
}

TEST(AnalogMatrix, SameSeedSameDevicesAndNoiseKeyedByImageAndPixel) {
  AnalogConfig c;
  c.device = "pcm";
  c.t_inf = 3600;
  c.out_noise = 0.01;
  c.seed = 3;
  const auto w = random_weights(300, 40, 7);
  const AnalogMatrix a = make(w, 300, 40, c, 2), b = make(w, 300, 40, c, 2);
  c.seed = 4;
  const AnalogMatrix other = make(w, 300, 40, c, 2);
  int same_weights = 0;
  for (int i = 0; i < 300; ++i)
    for (int j = 0; j < 40; ++j) {
      ASSERT_EQ(a.effective_weight(i, j), b.effective_weight(i, j));
      same_weights += a.effective_weight(i, j) == other.effective_weight(i, j);
    }
  EXPECT_LT(same_weights, 300 * 40 / 10);
  const auto x = random_inputs(2, 300, 8);
  const auto y1 = run_block(a, x, 2, 5), y2 = run_block(b, x, 2, 5), y3 = run_block(a, x, 2, 6);
  EXPECT_EQ(y1, y2);
  EXPECT_NE(y1, y3);  // another image: other per-MVM noise
  // A job's result does not depend on which block it was computed in.
  const std::vector<float> second(x.begin() + 300, x.end());
  std::vector<float> scratch;
  std::vector<double> alone(40);
  const JobKey job{5, 1};
  a.mvm_block(second.data(), 1, &job, nullptr, alone.data(), scratch);
  EXPECT_EQ(alone, std::vector<double>(y1.begin() + 40, y1.end()));
}

}  // namespace
}  // namespace aimc
