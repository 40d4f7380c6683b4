// Counter-based streams: pure functions of their key, standard normal, and
// different for every field of the key.
#include "noise-models/counter_rng.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace aimc::noise {
namespace {

TEST(CounterRng, SameKeySameDrawWhateverTheOrder) {
  const StreamKey a{7, 1, 2, 3, 4, Purpose::kReadNoise, 5};
  const StreamKey b{7, 1, 2, 3, 5, Purpose::kReadNoise, 5};
  const double a1 = standard_normal(a), b1 = standard_normal(b);
  EXPECT_EQ(standard_normal(b), b1);
  EXPECT_EQ(standard_normal(a), a1);
  EXPECT_EQ(uniform01(a), uniform01(a));
}

TEST(CounterRng, EveryKeyFieldChangesTheDraw) {
  const StreamKey base{7, 1, 2, 3, 4, Purpose::kProgramming, 0};
  std::vector<StreamKey> variants(7, base);
  variants[0].seed = 8;
  variants[1].layer = 2;
  variants[2].tile = 3;
  variants[3].row = 4;
  variants[4].col = 5;
  variants[5].purpose = Purpose::kDriftExponent;
  variants[6].extra = 1;
  std::set<double> draws{standard_normal(base)};
  for (const auto& v : variants) draws.insert(standard_normal(v));
  EXPECT_EQ(draws.size(), variants.size() + 1);
}

TEST(CounterRng, NormalsAndUniformsHaveTheRightMoments) {
  constexpr int kN = 100000;
  double s = 0, s2 = 0, u = 0;
  for (int i = 0; i < kN; ++i) {
    const StreamKey k{1, 0, 0, static_cast<uint32_t>(i), 0, Purpose::kOutputNoise, 0};
    const NormalPair n = standard_normals(k);
    s += n.first + n.second;
    s2 += n.first * n.first + n.second * n.second;
    const double x = uniform01(k);
    ASSERT_GT(x, 0.0);
    ASSERT_LE(x, 1.0);
    u += x;
  }
  EXPECT_NEAR(s / (2 * kN), 0.0, 0.01);
  EXPECT_NEAR(s2 / (2 * kN), 1.0, 0.01);
  EXPECT_NEAR(u / kN, 0.5, 0.005);
}

}  // namespace
}  // namespace aimc::noise
