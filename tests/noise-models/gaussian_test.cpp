// The generic Gaussian device: absolute and relative σ of programming and
// read noise measured over 100,000 keyed devices. Tolerances are 5 standard
// errors: 5σ/√n for a mean and 5σ/√(2n) for the sd of a normal (or, for the
// normal clipped at 0, 5·sqrt(m4 − s⁴)/(2s√n) from the sample's fourth
// central moment m4).
#include "noise-models/gaussian.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "noise-models/counter_rng.h"

namespace aimc::noise {
namespace {

constexpr int kDevices = 100000;

struct Summary {
  double mean, sd, sd_se;
};

Summary summarise(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  double mean = 0;
  for (double v : x) mean += v;
  mean /= n;
  double m2 = 0, m4 = 0;
  for (double v : x) {
    const double d2 = (v - mean) * (v - mean);
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= n;
  m4 /= n;
  const double sd = std::sqrt(m2);
  return {mean, sd, std::sqrt(m4 - m2 * m2) / (2 * sd * std::sqrt(n))};
}

// kDevices samples of f(z), one standard normal per device and case.
std::vector<double> sample(uint32_t test, uint32_t c, Purpose purpose,
                           const std::function<double(double)>& f) {
  std::vector<double> x(kDevices);
  for (int i = 0; i < kDevices; ++i) {
    x[i] = f(standard_normal(StreamKey{77, test, c, static_cast<uint32_t>(i), 0, purpose, 0}));
  }
  return x;
}

// Mean and sd of normal samples (the clip at 0 must be negligible: > 8σ away).
void expect_normal(const std::vector<double>& x, double mean, double sigma) {
  ASSERT_GT(mean / sigma, 8.0);
  const Summary s = summarise(x);
  EXPECT_NEAR(s.mean, mean, 5 * sigma / std::sqrt(kDevices));
  EXPECT_NEAR(s.sd, sigma, 5 * sigma / std::sqrt(2.0 * kDevices));
}

TEST(Gaussian, AbsoluteProgrammingSigmaIsTheSameAtEveryTarget) {
  GaussianParams p;
  p.prog_sigma = 0.8;
  for (uint32_t c = 0; c < 2; ++c) {
    const double target = c == 0 ? 8.0 : 24.0;
    SCOPED_TRACE(target);
    expect_normal(sample(1, c, Purpose::kProgramming,
                         [&](double z) { return gaussian_program(p, target, z); }),
                  target, 0.8);
  }
}

TEST(Gaussian, RelativeProgrammingSigmaScalesWithTheTarget) {
  GaussianParams p;
  p.prog_sigma = 0.05;
  p.relative = true;
  for (uint32_t c = 0; c < 2; ++c) {
    const double target = c == 0 ? 4.0 : 20.0;
    SCOPED_TRACE(target);
    expect_normal(sample(2, c, Purpose::kProgramming,
                         [&](double z) { return gaussian_program(p, target, z); }),
                  target, 0.05 * target);
  }
}

TEST(Gaussian, ReadSigmaAbsoluteAndRelative) {
  GaussianParams p;
  p.read_sigma = 0.3;
  expect_normal(
      sample(3, 0, Purpose::kReadNoise, [&](double z) { return gaussian_read(p, 10.0, z); }), 10.0,
      0.3);
  p.relative = true;
  p.read_sigma = 0.02;
  expect_normal(
      sample(3, 1, Purpose::kReadNoise, [&](double z) { return gaussian_read(p, 15.0, z); }), 15.0,
      0.3);
  // The read σ never leaks into programming, nor the programming σ into reads.
  EXPECT_EQ(gaussian_program(p, 15.0, 3.0), 15.0);
  p.read_sigma = 0;
  p.prog_sigma = 0.5;
  EXPECT_EQ(gaussian_read(p, 15.0, 3.0), 15.0);
}

// At a target of 0 with absolute σ, half the devices clip: G = max(σz, 0) has
// mean σ/√(2π) and E[G²] = σ²/2.
TEST(Gaussian, ProgrammingClipsAtZero) {
  GaussianParams p;
  p.prog_sigma = 1.5;
  const std::vector<double> x =
      sample(4, 0, Purpose::kProgramming, [&](double z) { return gaussian_program(p, 0.0, z); });
  const Summary s = summarise(x);
  const double mean = 1.5 / std::sqrt(2 * std::numbers::pi);
  const double sd = std::sqrt(1.5 * 1.5 / 2 - mean * mean);
  EXPECT_NEAR(s.mean, mean, 5 * s.sd / std::sqrt(kDevices));
  EXPECT_NEAR(s.sd, sd, 5 * s.sd_se);
  EXPECT_EQ(gaussian_program(p, 1.0, -10.0), 0.0);
  p.relative = true;
  EXPECT_EQ(gaussian_read(p, 0.0, 5.0), 0.0);  // a relative σ leaves 0 at 0
}

std::string error_of(const GaussianParams& p) {
  try {
    validate_gaussian(p);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no exception>";
}

TEST(Gaussian, ValidationNamesTheKey) {
  EXPECT_EQ(error_of(GaussianParams{}), "<no exception>");
  GaussianParams p;
  p.g_max = 0;
  EXPECT_TRUE(error_of(p).starts_with("g_max: ")) << error_of(p);
  p = {};
  p.prog_sigma = -0.1;
  EXPECT_TRUE(error_of(p).starts_with("prog_sigma: ")) << error_of(p);
  p = {};
  p.read_sigma = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(error_of(p).starts_with("read_sigma: ")) << error_of(p);
}

}  // namespace
}  // namespace aimc::noise
