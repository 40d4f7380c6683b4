// Crossbar tiles (DESIGN §3): exactness with an ideal device, ADC error
// bounds, weight precision, PCM drift and its compensation, determinism.
#include "engine/analog/analog_matrix.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace aimc {
namespace {

constexpr int kRows = 600, kCols = 300;  // 3 × 2 tiles of 256 × 256

std::vector<int8_t> random_weights(int k, int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(-127, 127);
  std::vector<int8_t> w(std::size_t(k) * n);
  for (auto& v : w) v = static_cast<int8_t>(d(rng));
  return w;
}

std::vector<int32_t> random_inputs(int k, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(-127, 255);
  std::vector<int32_t> x(k);
  for (auto& v : x) v = d(rng);
  return x;
}

std::vector<int32_t> exact(const std::vector<int8_t>& w, const std::vector<int32_t>& x, int k,
                           int n) {
  std::vector<int32_t> y(n, 0);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < k; ++i) y[j] += x[i] * w[std::size_t(j) * k + i];
  return y;
}

TEST(AnalogMatrix, IdealDeviceWithWideAdcIsExact) {
  AnalogConfig c;
  c.adc_bits = 28;  // range `max`: never clips; LSB small enough for exact rounding
  const auto w = random_weights(kRows, kCols, 1);
  const AnalogMatrix m(w.data(), kRows, kCols, 0, c);
  EXPECT_EQ(m.row_tiles(), 3);
  EXPECT_EQ(m.col_tiles(), 2);
  for (uint32_t trial = 0; trial < 5; ++trial) {
    const auto x = random_inputs(kRows, 10 + trial);
    std::vector<int32_t> y(kCols);
    m.mvm(x.data(), 0, trial, y.data());
    ASSERT_EQ(y, exact(w, x, kRows, kCols)) << "trial " << trial;
  }
}

TEST(AnalogMatrix, EightBitAdcErrorIsBoundedByHalfAnLsbPerRowTile) {
  AnalogConfig c;  // 8-bit ADC, range max
  const auto w = random_weights(kRows, kCols, 2);
  const AnalogMatrix m(w.data(), kRows, kCols, 0, c);
  const auto x = random_inputs(kRows, 3);
  std::vector<int32_t> y(kCols);
  m.mvm(x.data(), 0, 0, y.data());
  const auto want = exact(w, x, kRows, kCols);
  double bound = 0;
  for (int rt = 0; rt < 3; ++rt) bound += m.adc_range(rt, 0) / 127.0 / 2.0;
  int differ = 0;
  for (int j = 0; j < kCols; ++j) {
    const double b =
        j < 256 ? bound : (m.adc_range(0, 1) + m.adc_range(1, 1) + m.adc_range(2, 1)) / 254.0;
    ASSERT_LE(std::fabs(double(y[j]) - want[j]), b + 1) << "column " << j;
    differ += y[j] != want[j];
  }
  EXPECT_GT(differ, kCols / 2) << "an 8-bit ADC should not be exact";
}

TEST(AnalogMatrix, FourBitWeightsLieOnAPerColumnGrid) {
  AnalogConfig c;
  c.weight_bits = 4;  // 7 levels each side
  const auto w = random_weights(64, 8, 4);
  const AnalogMatrix m(w.data(), 64, 8, 0, c);
  for (int j = 0; j < 8; ++j) {
    int col_max = 0;
    for (int i = 0; i < 64; ++i)
      col_max = std::max(col_max, std::abs(int{w[std::size_t(j) * 64 + i]}));
    for (int i = 0; i < 64; ++i) {
      const double level = m.effective_weight(i, j) * 7.0 / col_max;
      ASSERT_NEAR(level, std::round(level), 1e-9);
      ASSERT_NEAR(m.effective_weight(i, j), w[std::size_t(j) * 64 + i], col_max / 14.0 + 1e-9);
    }
  }
}

TEST(AnalogMatrix, PcmDriftShrinksWeightsAndCompensationRestoresThem) {
  AnalogConfig c;
  c.device = AnalogDevice::kPcm;
  c.adc_bits = 16;
  c.seed = 11;
  const auto w = random_weights(kRows, kCols, 5);
  auto mean_ratio = [&](const AnalogMatrix& m) {
    double num = 0, den = 0;
    for (int i = 0; i < kRows; ++i)
      for (int j = 0; j < kCols; ++j) {
        num += m.effective_weight(i, j) * w[std::size_t(j) * kRows + i];
        den += double(w[std::size_t(j) * kRows + i]) * w[std::size_t(j) * kRows + i];
      }
    return num / den;
  };
  const AnalogMatrix fresh(w.data(), kRows, kCols, 0, c);
  EXPECT_NEAR(mean_ratio(fresh), 1.0, 0.02);  // programming noise is unbiased (mostly)
  c.t_inf = 86400;
  const AnalogMatrix day(w.data(), kRows, kCols, 0, c);
  EXPECT_NEAR(mean_ratio(day), 0.66, 0.04);  // ~ ((86400 + 20)/20)^-0.05
  EXPECT_DOUBLE_EQ(day.compensation(0, 0), 1.0);
  c.global_drift_compensation = true;
  const AnalogMatrix compensated(w.data(), kRows, kCols, 0, c);
  for (int rt = 0; rt < 3; ++rt)
    EXPECT_NEAR(compensated.compensation(rt, 0) * mean_ratio(day), 1.0, 0.05);
  // Compensated MVMs land near the exact result; uncompensated ones fall short.
  const auto x = random_inputs(kRows, 6);
  const auto want = exact(w, x, kRows, kCols);
  std::vector<int32_t> a(kCols), b(kCols);
  day.mvm(x.data(), 0, 0, a.data());
  compensated.mvm(x.data(), 0, 0, b.data());
  double err_a = 0, err_b = 0, norm = 0;
  for (int j = 0; j < kCols; ++j) {
    err_a += std::pow(a[j] - want[j], 2);
    err_b += std::pow(b[j] - want[j], 2);
    norm += std::pow(want[j], 2);
  }
  EXPECT_LT(err_b, 0.25 * err_a);
  EXPECT_LT(std::sqrt(err_b / norm), 0.2);
}

TEST(AnalogMatrix, SameSeedSameDevicesAndNoiseKeyedByImageAndPixel) {
  AnalogConfig c;
  c.device = AnalogDevice::kPcm;
  c.t_inf = 3600;
  c.out_noise = 0.01;
  c.seed = 3;
  const auto w = random_weights(300, 40, 7);
  const AnalogMatrix a(w.data(), 300, 40, 2, c), b(w.data(), 300, 40, 2, c);
  c.seed = 4;
  const AnalogMatrix other(w.data(), 300, 40, 2, c);
  int same_weights = 0;
  for (int i = 0; i < 300; ++i)
    for (int j = 0; j < 40; ++j) {
      ASSERT_EQ(a.effective_weight(i, j), b.effective_weight(i, j));
      same_weights += a.effective_weight(i, j) == other.effective_weight(i, j);
    }
  EXPECT_LT(same_weights, 300 * 40 / 10);  // only zero weights coincide
  const auto x = random_inputs(300, 8);
  std::vector<int32_t> y1(40), y2(40), y3(40);
  a.mvm(x.data(), 5, 9, y1.data());
  b.mvm(x.data(), 5, 9, y2.data());
  a.mvm(x.data(), 5, 10, y3.data());
  EXPECT_EQ(y1, y2);
  EXPECT_NE(y1, y3);
}

}  // namespace
}  // namespace aimc
