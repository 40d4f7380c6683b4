// The fused float 1x1 conv kernel equals a plain loop bit for bit: per
// output, fused multiply-adds from 0 over the input channels in order, then
// + bias (only when there is one), then the fused clip; and a tile writes
// exactly its own rows and positions.
#include "engine/kernels/float/float_pointwise.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

namespace aimc::floatk {
namespace {

struct Case {
  int64_t groups, rows, k, plane;
  bool bias;
  FusedClip clip;
};

TEST(FloatPointwise, EqualsThePlainLoopBitForBit) {
  if (!pointwise_supported()) GTEST_SKIP() << "no AVX-512 on this build";
  std::mt19937 rng(5);
  std::normal_distribution<float> d(0.0f, 1.0f);
  const FusedClip relu6{true, 0.0f, 6.0f}, none{};
  // Rows below, at and past one 8-row block; positions below, at and past
  // one 16-lane register and one 48-position block; one input channel;
  // groups; more rows than positions (the weight-block-outer order).
  for (const Case& c : {Case{1, 5, 3, 7, true, relu6}, Case{1, 8, 16, 48, false, none},
                        Case{1, 24, 17, 49, true, relu6}, Case{2, 13, 4, 100, true, none},
                        Case{1, 16, 1, 33, false, relu6}, Case{3, 9, 32, 196, true, relu6},
                        Case{1, 40, 9, 20, true, relu6}, Case{1, 64, 5, 49, false, none}}) {
    std::vector<float> x(c.groups * c.k * c.plane), w(c.groups * c.rows * c.k),
        b(c.groups * c.rows);
    for (auto& v : x) v = 3 * d(rng);
    for (auto& v : w) v = d(rng);
    for (auto& v : b) v = d(rng);
    // Some exact zeros and negative products, whose sign handling must match.
    for (std::size_t i = 0; i < x.size(); i += 7) x[i] = 0.0f;
    const PointwiseWeights packed(w.data(), c.groups, c.rows, c.k);
    const int64_t out_c = c.groups * c.rows;
    std::vector<float> want(out_c * c.plane);
    for (int64_t g = 0; g < c.groups; ++g)
      for (int64_t r = 0; r < c.rows; ++r)
        for (int64_t p = 0; p < c.plane; ++p) {
          float acc = 0.0f;
          for (int64_t ch = 0; ch < c.k; ++ch)
            acc = madd(w[(g * c.rows + r) * c.k + ch], x[(g * c.k + ch) * c.plane + p], acc);
          if (c.bias) acc += b[g * c.rows + r];
          want[(g * c.rows + r) * c.plane + p] = c.clip(acc);
        }
    // Whole groups in one tile, and tiles of 8 rows x 20 positions (as the
    // conv splits work over threads) with the prefetches for cold outputs.
    for (const auto& [tile_rows, tile_cols] :
         {std::pair<int64_t, int64_t>{c.rows, c.plane}, std::pair<int64_t, int64_t>{8, 20}}) {
      std::vector<float> got(want.size(), -7.0f);
      for (int64_t g = 0; g < c.groups; ++g)
        for (int64_t r0 = 0; r0 < c.rows; r0 += tile_rows)
          for (int64_t p0 = 0; p0 < c.plane; p0 += tile_cols) {
            const int64_t rows = std::min(tile_rows, c.rows - r0);
            const int64_t count = std::min(tile_cols, c.plane - p0);
            pointwise_tile(packed, g, r0, rows, x.data() + g * c.k * c.plane + p0, c.plane, count,
                           c.bias ? b.data() + g * c.rows + r0 : nullptr, c.clip,
                           got.data() + (g * c.rows + r0) * c.plane + p0, c.plane, nullptr,
                           /*cold_output=*/tile_cols == 20);
          }
      EXPECT_EQ(std::memcmp(got.data(), want.data(), got.size() * sizeof(float)), 0)
          << "groups " << c.groups << " rows " << c.rows << " k " << c.k << " plane " << c.plane
          << " tile " << tile_rows << "x" << tile_cols;
    }
  }
}

TEST(FloatPointwise, WritesOnlyItsTile) {
  if (!pointwise_supported()) GTEST_SKIP() << "no AVX-512 on this build";
  const int64_t rows = 12, k = 2, plane = 40;
  std::vector<float> x(k * plane, 1.0f), w(rows * k, 1.0f);
  const PointwiseWeights packed(w.data(), 1, rows, k);
  std::vector<float> y(rows * plane, -1.0f);
  // Rows 8..10 (3 of a padded 8-row block), positions 5..21.
  pointwise_tile(packed, 0, 8, 3, x.data() + 5, plane, 17, nullptr, {}, y.data() + 8 * plane + 5,
                 plane);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t p = 0; p < plane; ++p) {
      const bool inside = r >= 8 && r < 11 && p >= 5 && p < 22;
      EXPECT_EQ(y[r * plane + p], inside ? 2.0f : -1.0f) << "row " << r << " position " << p;
    }
}

}  // namespace
}  // namespace aimc::floatk
