// The PCM equations against worked values, and the
// statistics of devices drawn from the counter-based streams.
#include "noise-models/pcm.h"

#include <gtest/gtest.h>

#include <cmath>

#include "noise-models/counter_rng.h"

namespace aimc::noise {
namespace {

constexpr double kHour = 3600, kDay = 86400, kYear = 365 * 86400.0;

TEST(Pcm, WorkedValues) {
  const PcmParams p;
  EXPECT_NEAR(pcm_programming_sigma(p, 1.0), 1.055, 5e-4);
  EXPECT_NEAR(pcm_drift_factor(p, 0.049, kHour), 0.775, 5e-4);
  EXPECT_NEAR(pcm_drift_factor(p, 0.049, kDay), 0.664, 5e-4);
  EXPECT_NEAR(pcm_drift_factor(p, 0.049, kYear), 0.497, 5e-4);
  EXPECT_EQ(pcm_drift_factor(p, 0.049, 0.0), 1.0);
}

TEST(Pcm, DriftExponentStatisticsAreClippedAsPublished) {
  EXPECT_DOUBLE_EQ(pcm_drift_mu(1.0), 0.049);  // 0.0244 clipped up
  EXPECT_DOUBLE_EQ(pcm_drift_sigma(1.0), 0.008);
  EXPECT_NEAR(pcm_drift_mu(0.1), -0.0155 * std::log(0.1) + 0.0244, 1e-15);
  EXPECT_DOUBLE_EQ(pcm_drift_mu(1e-9), 0.1);  // ln of a tiny g is clipped at the top
  EXPECT_DOUBLE_EQ(pcm_drift_sigma(0.0), 0.045);
}

TEST(Pcm, ReadNoiseIsEvaluatedAtTInfPlusT0AsAihwkitDoes) {
  const PcmParams p;  // t0 = 20 s
  // Right after programming the 1/f noise has already accumulated over t0:
  // Q_s·sqrt(ln((20 s + t_read) / 2 t_read)) = Q_s·4.18.
  const double q_s = 0.0088 / std::pow(0.4, 0.65);  // at G = 10 µS
  EXPECT_NEAR(pcm_read_noise_sigma(p, 10.0, 0.0), q_s * std::sqrt(std::log(20.00000025 / 500e-9)),
              1e-12);
  EXPECT_NEAR(std::sqrt(std::log(20.00000025 / 500e-9)), 4.18, 0.005);
  const double s1 = pcm_read_noise_sigma(p, 10.0, kHour);
  const double s2 = pcm_read_noise_sigma(p, 10.0, kYear);
  EXPECT_GT(s1, pcm_read_noise_sigma(p, 10.0, 0.0));
  EXPECT_GT(s2, s1);
  EXPECT_NEAR(s1, q_s * std::sqrt(std::log((kHour + 20 + 250e-9) / 500e-9)), 1e-12);
  EXPECT_NEAR(pcm_read_noise_sigma(p, 0.0, kHour),
              0.2 * std::sqrt(std::log((kHour + 20 + 250e-9) / 500e-9)), 1e-12);
}

TEST(Pcm, ReadNoiseOverTInfAloneIsZeroRightAfterProgramming) {
  PcmParams p;
  p.read_noise_includes_t0 = false;
  EXPECT_EQ(pcm_read_noise_sigma(p, 10.0, 0.0), 0.0);
  EXPECT_NEAR(pcm_read_noise_sigma(p, 10.0, kHour),
              0.0088 / std::pow(0.4, 0.65) * std::sqrt(std::log((kHour + 250e-9) / 500e-9)), 1e-12);
}

TEST(Pcm, ScaleFactorsTurnEffectsOff) {
  PcmParams off;
  off.prog_noise_scale = off.drift_scale = off.read_noise_scale = 0;
  EXPECT_DOUBLE_EQ(pcm_conductance_at(off, 17.0, kYear, 2.5, -1.0, 3.0), 17.0);
}

// Programming noise and drift drawn for many devices from the keyed streams
// have the published means and spreads.
TEST(Pcm, SampledDeviceStatistics) {
  const PcmParams p;
  constexpr int kDevices = 200000;
  const double g_target = 0.5 * p.g_max;
  double sum = 0, sum2 = 0, factor_sum = 0;
  for (int i = 0; i < kDevices; ++i) {
    StreamKey k{42,
                3,
                0,
                static_cast<uint32_t>(i / 256),
                static_cast<uint32_t>(i % 256),
                Purpose::kProgramming};
    const double g = pcm_program(p, g_target, standard_normal(k));
    sum += g;
    sum2 += g * g;
    k.purpose = Purpose::kDriftExponent;
    factor_sum += pcm_drift_factor(p, pcm_drift_exponent(p, g_target, standard_normal(k)), kDay);
  }
  const double mean = sum / kDevices;
  const double sd = std::sqrt(sum2 / kDevices - mean * mean);
  const double sigma = pcm_programming_sigma(p, 0.5);
  EXPECT_NEAR(mean, g_target, 4 * sigma / std::sqrt(kDevices));
  EXPECT_NEAR(sd, sigma, 0.01 * sigma);
  // At g = 0.5: μ_ν = 0.0244 + 0.0155 ln 2 = 0.03514 -> clipped to 0.049;
  // σ_ν = 0.0125 ln 2 − 0.0059 = 0.00276 -> clipped to 0.008.
  const double mean_factor = factor_sum / kDevices;
  // E[x^-ν] for ν ~ N(μ, σ²) and x = (t + t0)/t0 is x^-μ · exp(σ² ln²x / 2).
  const double log_x = std::log((kDay + 20.0) / 20.0);
  EXPECT_NEAR(mean_factor, std::exp(-0.049 * log_x + 0.5 * std::pow(0.008 * log_x, 2)), 5e-4);
}

}  // namespace
}  // namespace aimc::noise
