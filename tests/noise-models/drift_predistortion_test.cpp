// Drift-aware programming targets (drift_predistortion.h): the Gauss–Hermite rule, the expected
// drift factor against a Monte-Carlo mean of the device's own drift, and the inverted map.
#include "noise-models/drift_predistortion.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "noise-models/counter_rng.h"
#include "noise-models/device_registry.h"

namespace aimc::noise {
namespace {

constexpr double kDay = 86400;

DeviceParams pcm_params() { return {}; }

TEST(GaussHermite, TheRuleHasTheMomentsOfTheStandardNormal) {
  for (int n : {7, 20, 32}) {
    SCOPED_TRACE(n);
    const GaussHermite q = gauss_hermite_normal(n);
    ASSERT_EQ(q.nodes.size(), std::size_t(n));
    // E[z^k] for k = 0, 2, 4, 6, 8: 1, 1, 3, 15, 105 (exact for k < 2n); odd moments 0.
    const double even[] = {1, 1, 3, 15, 105};
    for (int k = 0; k <= 8; ++k) {
      double m = 0;
      for (int i = 0; i < n; ++i) m += q.weights[i] * std::pow(q.nodes[i], k);
      EXPECT_NEAR(m, k % 2 ? 0.0 : even[k / 2], 1e-11 * (k % 2 ? 1.0 : even[k / 2])) << k;
    }
    for (int i = 0; i < n; ++i) {
      EXPECT_GT(q.weights[i], 0.0);
      EXPECT_NEAR(q.nodes[i], -q.nodes[n - 1 - i], 1e-12);
      if (i > 0) {
        EXPECT_GT(q.nodes[i], q.nodes[i - 1]);
      }
    }
  }
}

// The mean and its standard error of drift(g, g, t, z)/g over n keyed standard normals.
std::pair<double, double> monte_carlo_factor(const DeviceModel& m, double g, double t, int n) {
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const StreamKey key{11, 0, 0, static_cast<uint32_t>(i), 0, Purpose::kDriftExponent, 0};
    const double f = m.drift(g, g, t, standard_normal(key)) / g;
    s += f;
    s2 += f * f;
  }
  const double mean = s / n, var = (s2 / n - mean * mean) * n / (n - 1);
  return {mean, std::sqrt(var / n)};
}

TEST(ExpectedDriftFactor, QuadratureAgreesWithAMonteCarloMeanOfTheDevicesDrift) {
  DeviceParams p = pcm_params();
  p.table = rram_default_table();
  // A table device whose exponent spreads: folded at small g, as PCM's.
  p.table.nu_mean = {0.1, 0.1, 0.09, 0.08, 0.07, 0.06, 0.05, 0.05};
  p.table.nu_sigma = {0.04, 0.04, 0.03, 0.03, 0.02, 0.02, 0.01, 0.01};
  const GaussHermite q = gauss_hermite_normal(DriftPredistortion::kNodes);
  constexpr int kSamples = 200000;
  for (const std::string name : {"pcm", "custom"}) {
    const auto m = make_device(name, p);
    for (double t : {3600.0, kDay, 365 * kDay})
      for (double g : {0.005, 0.05, 0.2, 0.5, 1.0}) {
        SCOPED_TRACE(name + " t=" + std::to_string(t) + " g=" + std::to_string(g));
        const auto [mean, se] = monte_carlo_factor(*m, g * m->g_max(), t, kSamples);
        const double f = expected_drift_factor(*m, g * m->g_max(), t, q);
        EXPECT_LT(f, 1.0);
        // 5 standard errors: a correct rule fails with probability ~6e-7 per point.
        EXPECT_NEAR(f, mean, 5 * se);
      }
  }
}

TEST(DriftPredistortion, ExpectedConductanceAtTheDesignTimeIsProportionalToTheTarget) {
  const auto m = make_device("pcm", pcm_params());
  const double g_max = m->g_max();
  for (double t : {3600.0, kDay, 365 * kDay}) {
    SCOPED_TRACE(t);
    const DriftPredistortion d(*m, t);
    ASSERT_FALSE(d.identity());
    EXPECT_NEAR(d.scale(), expected_drift_factor(*m, g_max, t, gauss_hermite_normal(32)), 1e-15);
    EXPECT_EQ(d.target(g_max), g_max);
    EXPECT_EQ(d.target(0.0), 0.0);
    double previous = 0, worst = 0;
    for (int k = 1; k < 4000; ++k) {
      const double g = g_max * k / 4000.0;
      const double gp = d.target(g);
      // Never above g_max; increasing. Small conductances drift faster, so their targets are
      // raised (not every target: PCM's F dips where σ_ν falls at a clamped μ_ν).
      EXPECT_LE(gp, g_max);
      EXPECT_GT(gp, previous);
      if (g < 0.1 * g_max) {
        EXPECT_GT(gp, g);
      }
      previous = gp;
      // The interpolated inverse, checked against the quadrature itself.
      worst = std::max(worst, std::fabs(d.expected_at_design_time(gp) - d.scale() * g));
    }
    // Linear interpolation on 2048 intervals: its largest error is at the kinks of the clipped
    // μ_ν and σ_ν, far below the programming noise (σ >= 0.26 µS).
    RecordProperty("worst_uS_t" + std::to_string(int64_t(t)), std::to_string(worst));
    EXPECT_LT(worst, 1e-5 * g_max);
  }
}

TEST(DriftPredistortion, DevicesWithoutDriftGetTheIdentity) {
  DeviceParams p = pcm_params();
  p.table = rram_default_table();
  p.gaussian.prog_sigma = 1.0;
  for (const std::string name : {"ideal", "gaussian", "rram"}) {
    SCOPED_TRACE(name);
    const auto m = make_device(name, p);
    const DriftPredistortion d(*m, kDay);
    EXPECT_TRUE(d.identity());
    EXPECT_EQ(d.scale(), 1.0);
    for (double g : {0.0, 0.1, 3.0, 24.9, 25.0}) EXPECT_EQ(d.target(g), g);
  }
  // PCM with its drift scaled to 0.
  p.pcm.drift_scale = 0;
  EXPECT_TRUE(DriftPredistortion(*make_device("pcm", p), kDay).identity());
}

}  // namespace
}  // namespace aimc::noise
