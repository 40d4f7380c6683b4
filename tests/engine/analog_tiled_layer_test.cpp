// TiledLayer's one chunk loop, through both of its emissions: every job is
// emitted once, blocks land on their channels, job scales multiply the
// results, and the int32 emission is the rounded float one, for one block
// (a conv's direct result) and for block-diagonal blocks, in both flavors.
#include <gtest/gtest.h>

#include <cmath>
#include <mutex>
#include <vector>

#include "engine/analog/tiled_layer.h"

namespace aimc {
namespace {

constexpr int kJobs = 40;  // three chunks of 16, 16 and 8

// Job p's input on row i of block b: small integers, exact on the DAC grid.
float input(int b, int64_t p, int i) { return static_cast<float>((p * 7 + i * 3 + b) % 11 - 5); }
float weight(int b, int j, int i) { return static_cast<float>((b * 5 + j * 3 + i) % 9 - 4); }

struct Layer {
  std::vector<AnalogBlock> blocks;
  int channels;
};

// One block of all 4 channels, or two blocks of 2 (channels 0-1 and 2-3).
Layer layer(int blocks) {
  Layer l{{}, 4};
  const int n = 4 / blocks, k = 3;
  for (int b = 0; b < blocks; ++b) {
    AnalogBlock a{std::vector<float>(std::size_t(n) * k), k, n, b * n};
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < k; ++i) a.weights_nk[std::size_t(j) * k + i] = weight(b, j, i);
    l.blocks.push_back(std::move(a));
  }
  return l;
}

// Σ_i x·w of job p on channel c, times the job's scale.
double expected(const Layer& l, int64_t p, int c, float scale) {
  const int n = l.blocks[0].n, b = c / n;
  double y = 0;
  for (int i = 0; i < 3; ++i) y += double(input(b, p, i)) * weight(b, c % n, i);
  return y * scale;
}

void check(int blocks, bool scaled, KernelFlavor flavor) {
  AnalogConfig c;
  c.adc_bits = 28;  // ideal devices and a wide ADC
  Layer l = layer(blocks);
  const TiledLayer t(l.blocks, l.channels, 0, "layer", c, true, c.dac.full_scale);
  auto scale_of = [&](int64_t p) { return scaled ? 0.25f * float(p % 5 + 1) : 1.0f; };
  const TiledLayer::Gather gather = [&](int b, int64_t first, int count, float* x, JobKey* keys,
                                        float* job_scale) {
    for (int p = 0; p < count; ++p) {
      for (int i = 0; i < 3; ++i) x[p * 3 + i] = input(b, first + p, i);
      keys[p] = {0, static_cast<uint32_t>(first + p)};
      job_scale[p] = scale_of(first + p);
    }
  };
  std::mutex m;
  std::vector<double> seen(kJobs * 4, NAN);
  std::vector<int32_t> seen32(kJobs * 4, -1);
  std::vector<int> emitted(kJobs, 0), emitted32(kJobs, 0);
  RunContext ctx;
  ctx.threads = 2;
  t.run(ctx, kJobs, gather, flavor, [&](int64_t first, int count, const double* acc) {
    std::lock_guard<std::mutex> lock(m);
    for (int p = 0; p < count; ++p) {
      ++emitted[first + p];
      for (int ch = 0; ch < 4; ++ch) seen[(first + p) * 4 + ch] = acc[p * 4 + ch];
    }
  });
  t.run_int32(ctx, kJobs, gather, flavor, [&](int64_t first, int count, const int32_t* acc) {
    std::lock_guard<std::mutex> lock(m);
    for (int p = 0; p < count; ++p) {
      ++emitted32[first + p];
      for (int ch = 0; ch < 4; ++ch) seen32[(first + p) * 4 + ch] = acc[p * 4 + ch];
    }
  });
  for (int64_t p = 0; p < kJobs; ++p) {
    ASSERT_EQ(emitted[p], 1) << p;
    ASSERT_EQ(emitted32[p], 1) << p;
    for (int ch = 0; ch < 4; ++ch) {
      // Exact up to the wide ADC's rounding; the int32 emission rounds the float one.
      EXPECT_NEAR(seen[p * 4 + ch], expected(l, p, ch, scale_of(p)), 1e-3) << p << " " << ch;
      EXPECT_EQ(seen32[p * 4 + ch], accumulator_to_int32(seen[p * 4 + ch])) << p << " " << ch;
    }
  }
}

TEST(TiledLayerRun, OneBlockUnscaled) {
  check(1, false, KernelFlavor::kOptimized);
  check(1, false, KernelFlavor::kReference);
}

TEST(TiledLayerRun, OneBlockScaled) {
  check(1, true, KernelFlavor::kOptimized);
  check(1, true, KernelFlavor::kReference);
}

TEST(TiledLayerRun, BlockDiagonalBlocksLandOnTheirChannels) {
  check(2, false, KernelFlavor::kOptimized);
  check(2, true, KernelFlavor::kOptimized);
  check(2, true, KernelFlavor::kReference);
}

}  // namespace
}  // namespace aimc
