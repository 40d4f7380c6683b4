// GPTQ (quant/gptq.h): without correlations between inputs it is plain
// rounding; with them it keeps a layer's outputs clearly better; its levels
// stay on the grid; it is deterministic and survives degenerate moments.
#include "quant/gptq.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "quant/conductance_mapping.h"

namespace aimc::quant {
namespace {

struct Layer {
  int n = 0, k = 0, tile_rows = 0;
  std::vector<float> w;       // [n × k]
  std::vector<double> scale;  // [row tile][n]
};

// Random weights and plain rounding's per-column scales of each row tile.
Layer random_layer(int n, int k, int tile_rows, std::mt19937& rng) {
  Layer l{n, k, tile_rows, std::vector<float>(std::size_t(n) * k), {}};
  std::normal_distribution<float> d(0.f, 1.f);
  for (float& v : l.w) v = d(rng);
  const int row_tiles = (k + tile_rows - 1) / tile_rows;
  l.scale.assign(std::size_t(row_tiles) * n, 0.0);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < k; ++i) {
      double& s = l.scale[std::size_t(i / tile_rows) * n + j];
      s = std::max(s, std::fabs(double(l.w[std::size_t(j) * k + i])));
    }
  return l;
}

std::vector<int16_t> plain_rounding(const Layer& l, double levels) {
  std::vector<int16_t> q(l.w.size());
  for (int j = 0; j < l.n; ++j)
    for (int i = 0; i < l.k; ++i)
      q[std::size_t(j) * l.k + i] = static_cast<int16_t>(quantize_weight(
          l.w[std::size_t(j) * l.k + i], l.scale[std::size_t(i / l.tile_rows) * l.n + j], levels));
  return q;
}

std::vector<int16_t> gptq(const Layer& l, const std::vector<double>& h, double levels) {
  return gptq_levels(l.w, l.n, l.k, h, GptqGrid{l.tile_rows, levels, l.scale});
}

std::vector<double> identity(int k, double diagonal) {
  std::vector<double> h(std::size_t(k) * k, 0.0);
  for (int i = 0; i < k; ++i) h[std::size_t(i) * k + i] = diagonal;
  return h;
}

// Strongly correlated inputs X = A·Z + noise [k × samples]: a random mixing
// A of a few latent sources Z, as the channels of a network's activations
// are, plus a little independent noise.
std::vector<double> correlated_inputs(int k, int samples, std::mt19937& rng) {
  constexpr int kSources = 8;
  std::normal_distribution<double> d(0.0, 1.0);
  std::vector<double> a(std::size_t(k) * kSources), z(std::size_t(kSources) * samples),
      x(std::size_t(k) * samples);
  for (double& v : a) v = d(rng);
  for (double& v : z) v = d(rng);
  for (double& v : x) v = 0.1 * d(rng);
  for (int r = 0; r < k; ++r)
    for (int m = 0; m < kSources; ++m)
      for (int s = 0; s < samples; ++s)
        x[std::size_t(r) * samples + s] +=
            a[std::size_t(r) * kSources + m] * z[std::size_t(m) * samples + s];
  return x;
}

std::vector<double> second_moment(const std::vector<double>& x, int k, int samples) {
  std::vector<double> h(std::size_t(k) * k, 0.0);
  for (int r = 0; r < k; ++r)
    for (int c = 0; c < k; ++c)
      for (int s = 0; s < samples; ++s)
        h[std::size_t(r) * k + c] +=
            x[std::size_t(r) * samples + s] * x[std::size_t(c) * samples + s];
  return h;
}

// ‖(W − Q·step)·X‖ over all outputs and samples.
double output_error(const Layer& l, const std::vector<int16_t>& q, double levels,
                    const std::vector<double>& x, int samples) {
  double sum = 0;
  for (int j = 0; j < l.n; ++j)
    for (int s = 0; s < samples; ++s) {
      double y = 0;
      for (int i = 0; i < l.k; ++i) {
        const std::size_t at = std::size_t(j) * l.k + i;
        const double step = l.scale[std::size_t(i / l.tile_rows) * l.n + j] / levels;
        y += (l.w[at] - q[at] * step) * x[std::size_t(i) * samples + s];
      }
      sum += y * y;
    }
  return std::sqrt(sum);
}

TEST(Gptq, UncorrelatedInputsGivePlainRounding) {
  std::mt19937 rng(1);
  const Layer l = random_layer(7, 300, 128, rng);  // three row tiles
  for (double levels : {7.0, 127.0})
    for (double diagonal : {1.0, 3.5}) {
      EXPECT_EQ(gptq(l, identity(l.k, diagonal), levels), plain_rounding(l, levels));
      EXPECT_EQ(gptq_levels(l.w, l.n, l.k, identity(l.k, diagonal),
                            GptqGrid{l.tile_rows, levels, l.scale}, kGptqDefaultDamping,
                            GptqOrder::kActivation),
                plain_rounding(l, levels));
    }
}

TEST(Gptq, ActOrderSortsInputsByDecreasingEnergyTiesByIndex) {
  const std::vector<double> h = {2, 0, 0, 0,  //
                                 0, 5, 0, 0,  //
                                 0, 0, 2, 0,  //
                                 0, 0, 0, 9};
  EXPECT_EQ(gptq_input_order(h, 4, GptqOrder::kActivation), (std::vector<int>{3, 1, 0, 2}));
  EXPECT_EQ(gptq_input_order(h, 4, GptqOrder::kInput), (std::vector<int>{0, 1, 2, 3}));
}

// Act-order is GPTQ on the same layer with its inputs listed in that order:
// permuting the inputs (weights' columns and H) by hand and rounding them as
// they come gives the same levels, put back in place.
TEST(Gptq, ActOrderIsGptqOnTheInputsSortedByEnergy) {
  std::mt19937 rng(5);
  constexpr int kInputs = 48, kSamples = 600;
  const Layer l = random_layer(6, kInputs, 64, rng);  // one row tile: the grid moves along
  std::vector<double> x = correlated_inputs(kInputs, kSamples, rng);
  for (int i = 0; i < kInputs; ++i)  // unequal energies, so that the order matters
    for (int s = 0; s < kSamples; ++s) x[std::size_t(i) * kSamples + s] *= 1 + (i * 7) % 5;
  const std::vector<double> h = second_moment(x, kInputs, kSamples);
  const GptqGrid grid{l.tile_rows, 7, l.scale};
  const auto act = gptq_levels(l.w, l.n, l.k, h, grid, kGptqDefaultDamping, GptqOrder::kActivation);

  const std::vector<int> perm = gptq_input_order(h, kInputs, GptqOrder::kActivation);
  Layer p = l;
  std::vector<double> hp(h.size());
  for (int a = 0; a < kInputs; ++a) {
    for (int j = 0; j < l.n; ++j)
      p.w[std::size_t(j) * kInputs + a] = l.w[std::size_t(j) * kInputs + perm[a]];
    for (int b = 0; b < kInputs; ++b)
      hp[std::size_t(a) * kInputs + b] = h[std::size_t(perm[a]) * kInputs + perm[b]];
  }
  const auto in_order = gptq(p, hp, 7);
  std::vector<int16_t> back(in_order.size());
  for (int j = 0; j < l.n; ++j)
    for (int a = 0; a < kInputs; ++a)
      back[std::size_t(j) * kInputs + perm[a]] = in_order[std::size_t(j) * kInputs + a];
  EXPECT_EQ(act, back);
  EXPECT_NE(act, gptq(l, h, 7)) << "the order should matter on this layer";
  // On this layer rounding the energetic inputs first pays (44 against 144; rounding 392).
  EXPECT_LT(output_error(l, act, 7, x, kSamples),
            0.5 * output_error(l, gptq(l, h, 7), 7, x, kSamples));
}

TEST(Gptq, DeadInputsAndZeroMomentsGivePlainRounding) {
  std::mt19937 rng(2);
  const Layer l = random_layer(4, 20, 256, rng);
  EXPECT_EQ(gptq(l, std::vector<double>(std::size_t(l.k) * l.k, 0.0), 7), plain_rounding(l, 7));
}

TEST(Gptq, CorrelatedInputsKeepTheOutputsFarBetterThanRounding) {
  std::mt19937 rng(3);
  constexpr int kInputs = 64, kSamples = 2000;
  constexpr double kLevels = 7;  // 4-bit weights
  const Layer l = random_layer(16, kInputs, 32, rng);
  const std::vector<double> x = correlated_inputs(kInputs, kSamples, rng);
  const std::vector<double> h = second_moment(x, kInputs, kSamples);
  const std::vector<int16_t> q = gptq(l, h, kLevels);
  const double rounding = output_error(l, plain_rounding(l, kLevels), kLevels, x, kSamples);
  const double compensated = output_error(l, q, kLevels, x, kSamples);
  EXPECT_LT(compensated, 0.7 * rounding) << compensated << " vs rounding's " << rounding;
  for (int16_t v : q) {
    ASSERT_LE(v, kLevels);
    ASSERT_GE(v, -kLevels);
  }
  EXPECT_EQ(gptq(l, h, kLevels), q);  // deterministic
}

TEST(Gptq, IndefiniteMomentsStillGiveLevelsOnTheGrid) {
  std::mt19937 rng(4);
  const Layer l = random_layer(5, 12, 256, rng);
  std::vector<double> h = identity(l.k, -1.0);  // no damping makes this positive definite
  h[1] = h[l.k] = 1e9;
  const std::vector<int16_t> q = gptq(l, h, 7);
  ASSERT_EQ(q.size(), l.w.size());
  for (int16_t v : q) {
    ASSERT_LE(v, 7);
    ASSERT_GE(v, -7);
  }
}

}  // namespace
}  // namespace aimc::quant
