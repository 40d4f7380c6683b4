// Stuck-at faults: the fractions of stuck devices over 100,000 keyed devices
// lie within 5 standard errors, 5·sqrt(p(1 − p)/n), of their probabilities;
// the thresholds are inclusive; validation names the key.
#include "noise-models/faults.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include "noise-models/counter_rng.h"

namespace aimc::noise {
namespace {

constexpr int kDevices = 100000;
constexpr double kGMax = 25.0, kG = 10.0;  // kG is neither 0 nor g_max: outcomes are distinct

struct Counts {
  int zero = 0, gmax = 0, unchanged = 0;
};

Counts count_faults(const FaultParams& f, uint32_t c) {
  Counts n;
  for (int i = 0; i < kDevices; ++i) {
    const double u =
        uniform01(StreamKey{5, 1, c, static_cast<uint32_t>(i), 0, Purpose::kFaultOccurs, 0});
    const double g = apply_stuck_fault(f, kG, kGMax, u);
    if (g == 0.0) {
      ++n.zero;
    } else if (g == kGMax) {
      ++n.gmax;
    } else {
      EXPECT_EQ(g, kG);
      ++n.unchanged;
    }
  }
  return n;
}

void expect_fraction(int count, double p) {
  const double tol = 5 * std::sqrt(p * (1 - p) / kDevices);
  EXPECT_NEAR(static_cast<double>(count) / kDevices, p, tol) << "p = " << p;
}

TEST(Faults, FractionsMatchTheProbabilities) {
  const FaultParams cases[] = {{0.01, 0.03}, {0.3, 0.5}, {0.0, 0.2}};
  for (uint32_t c = 0; c < 3; ++c) {
    const FaultParams& f = cases[c];
    const Counts n = count_faults(f, c);
    expect_fraction(n.zero, f.p_stuck_zero);
    expect_fraction(n.gmax, f.p_stuck_gmax);
    expect_fraction(n.unchanged, 1 - f.p_stuck_zero - f.p_stuck_gmax);
  }
}

TEST(Faults, ZeroProbabilitiesNeverFaultAndOneAlwaysDoes) {
  const Counts none = count_faults(FaultParams{}, 10);
  EXPECT_EQ(none.unchanged, kDevices);
  // u is in (0, 1]: even the smallest u does not fault at p = 0.
  EXPECT_EQ(apply_stuck_fault(FaultParams{}, kG, kGMax, std::numeric_limits<double>::min()), kG);
  EXPECT_EQ(apply_stuck_fault(FaultParams{1.0, 0.0}, kG, kGMax, 1.0), 0.0);
  EXPECT_EQ(apply_stuck_fault(FaultParams{0.0, 1.0}, kG, kGMax, 1.0), kGMax);
}

TEST(Faults, ThresholdsAreInclusive) {
  const FaultParams f{0.25, 0.5};
  EXPECT_EQ(apply_stuck_fault(f, kG, kGMax, 0.25), 0.0);
  EXPECT_EQ(apply_stuck_fault(f, kG, kGMax, std::nextafter(0.25, 1.0)), kGMax);
  EXPECT_EQ(apply_stuck_fault(f, kG, kGMax, 0.75), kGMax);
  EXPECT_EQ(apply_stuck_fault(f, kG, kGMax, std::nextafter(0.75, 1.0)), kG);
}

std::string error_of(const FaultParams& f) {
  try {
    validate_faults(f);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no exception>";
}

TEST(Faults, ValidationNamesTheKey) {
  EXPECT_EQ(error_of({0.5, 0.5}), "<no exception>");
  EXPECT_EQ(error_of({0.0, 0.0}), "<no exception>");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(error_of({-0.1, 0.0}).starts_with("p_stuck_zero: ")) << error_of({-0.1, 0.0});
  EXPECT_TRUE(error_of({1.5, 0.0}).starts_with("p_stuck_zero: ")) << error_of({1.5, 0.0});
  EXPECT_TRUE(error_of({nan, 0.0}).starts_with("p_stuck_zero: ")) << error_of({nan, 0.0});
  EXPECT_TRUE(error_of({0.0, 2.0}).starts_with("p_stuck_gmax: ")) << error_of({0.0, 2.0});
  EXPECT_TRUE(error_of({0.6, 0.6}).starts_with("p_stuck_zero + p_stuck_gmax: "))
      << error_of({0.6, 0.6});
}

}  // namespace
}  // namespace aimc::noise
