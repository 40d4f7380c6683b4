// The per-MVM output noise stream: the AVX-512 path gives the scalar
// specification's bits for every column, its log and sin/cos are accurate to
// a few float ulps, the normals have the right moments, and every key field
// selects a different stream.
#include "noise-models/output_noise.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

namespace aimc::noise {
namespace {

TEST(OutputNoise, VectorPathEqualsTheSpecificationBitForBit) {
  for (const OutputNoiseKey k : {OutputNoiseKey{0, 0, 0, 0, 0}, OutputNoiseKey{7, 51, 3, 12, 195},
                                 OutputNoiseKey{~uint64_t{0}, (1u << 20) - 1, 99, 7, 3135}}) {
    const OutputNoiseRow row(k);
    for (const auto& [first, count] :
         {std::pair{0u, 64}, std::pair{64u, 200}, std::pair{512u, 7}, std::pair{0u, 1000}}) {
      std::vector<float> fast(count, -99.0f);
      row.normals(first, count, fast.data());
      for (int i = 0; i < count; ++i) {
        const float want = row.normal(first + static_cast<uint32_t>(i));
        ASSERT_EQ(std::memcmp(&fast[i], &want, sizeof want), 0)
            << "column " << first + i << ": " << fast[i] << " vs " << want;
      }
    }
  }
}

TEST(OutputNoise, LogAndSinCosAreAccurate) {
  double worst_log = 0, worst_trig = 0;
  for (int i = 1; i <= 200000; ++i) {
    const float u = static_cast<float>(i) / 200000.0f * (1.0f - 0x1p-24f) + 0x1p-25f;
    const double want = std::log(static_cast<double>(u));
    worst_log = std::max(worst_log, std::fabs(noise_log(u) - want) / std::max(1e-3, -want));
    const float f = static_cast<float>(i) / 200000.0f;
    float s, c;
    noise_sincos_quarter(f, s, c);
    worst_trig = std::max(worst_trig, std::fabs(s - std::sin(M_PI / 2 * f)));
    worst_trig = std::max(worst_trig, std::fabs(c - std::cos(M_PI / 2 * f)));
  }
  EXPECT_LT(worst_log, 3e-7);
  EXPECT_LT(worst_trig, 3e-7);
  EXPECT_EQ(noise_log(1.0f), 0.0f);
}

TEST(OutputNoise, NormalsHaveTheMomentsOfAStandardNormal) {
  double sum = 0, sum2 = 0, sum4 = 0, beyond3 = 0, biggest = 0;
  constexpr int kRows = 2000, kCols = 512;
  std::vector<float> z(kCols);
  for (uint32_t r = 0; r < kRows; ++r) {
    OutputNoiseRow(OutputNoiseKey{11, 5, r % 7, r, r * 31}).normals(0, kCols, z.data());
    for (float v : z) {
      sum += v;
      sum2 += double(v) * v;
      sum4 += double(v) * v * v * v;
      beyond3 += std::fabs(v) > 3;
      biggest = std::max(biggest, double(std::fabs(v)));
    }
  }
  const double n = double(kRows) * kCols, mean = sum / n, var = sum2 / n - mean * mean;
  EXPECT_NEAR(mean, 0.0, 0.004);
  EXPECT_NEAR(var, 1.0, 0.006);
  EXPECT_NEAR(sum4 / n, 3.0, 0.04);  // kurtosis
  EXPECT_NEAR(beyond3 / n, 0.0026998, 0.0003);
  EXPECT_LE(biggest, 5.9);
}

TEST(OutputNoise, EveryKeyFieldSelectsAnotherStream) {
  const OutputNoiseKey base{3, 4, 5, 6, 7};
  const float ref = OutputNoiseRow(base).normal(10);
  EXPECT_EQ(OutputNoiseRow(base).normal(10), ref);
  auto differs = [&](OutputNoiseKey k) { return OutputNoiseRow(k).normal(10) != ref; };
  OutputNoiseKey k = base;
  k.seed = 4;
  EXPECT_TRUE(differs(k));
  k = base;
  k.layer = 5;
  EXPECT_TRUE(differs(k));
  k = base;
  k.tile = 6;
  EXPECT_TRUE(differs(k));
  k = base;
  k.image = 7;
  EXPECT_TRUE(differs(k));
  k = base;
  k.pixel = 8;
  EXPECT_TRUE(differs(k));
  EXPECT_NE(OutputNoiseRow(base).normal(11), ref);
}

}  // namespace
}  // namespace aimc::noise
