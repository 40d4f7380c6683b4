// The float 3×3 depthwise fast path equals the plane loop's arithmetic bit
// for bit: per output, fused multiply-adds from 0 over the in-bounds taps in
// (ky, kx) order, then + bias (the order float_conv.cpp's conv_plane uses),
// then the fused clip (clip_value).
#include "engine/kernels/float/float_depthwise.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

namespace aimc::floatk {
namespace {

struct Case {
  int64_t n, c, h, w, stride, pad_top, pad_left;
  bool bias;
  FusedClip clip;
};

TEST(FloatDepthwise3x3, EqualsThePlaneLoopBitForBit) {
  std::mt19937 rng(5);
  std::normal_distribution<float> d(0.0f, 1.0f);
  const FusedClip relu6{true, 0.0f, 6.0f}, none{};
  // Odd channel counts, planes narrower and wider than a register, 1 to 6
  // output rows (the kernel runs 4 rows at a time), both strides.
  for (const Case& k :
       {Case{1, 32, 13, 13, 1, 1, 1, true, none}, Case{2, 48, 15, 14, 2, 0, 0, true, relu6},
        Case{1, 16, 7, 7, 1, 1, 1, false, none}, Case{3, 64, 9, 12, 2, 1, 1, true, relu6},
        Case{1, 3, 1, 40, 1, 1, 1, true, relu6}, Case{2, 5, 6, 37, 2, 1, 1, false, none},
        Case{1, 7, 11, 3, 1, 0, 0, true, FusedClip{true, 0.5f, -0.5f}}}) {
    Window win;
    win.in = {1, k.h, k.w};
    win.kernel = {1, 3, 3};
    win.stride = {1, k.stride, k.stride};
    win.pad_begin = {0, k.pad_top, k.pad_left};
    win.out = {1, (k.h + 2 * k.pad_top - 3) / k.stride + 1,
               (k.w + 2 * k.pad_left - 3) / k.stride + 1};
    if (!depthwise3x3_supported(win, k.c, k.c, k.c)) GTEST_SKIP() << "no AVX-512 on this build";
    std::vector<float> x(k.n * k.c * k.h * k.w), wt(k.c * 9), b(k.c);
    for (auto& v : x) v = d(rng);
    for (auto& v : wt) v = d(rng);
    for (auto& v : b) v = d(rng);
    const int64_t oh = win.out[1], ow = win.out[2];
    std::vector<float> fast(k.n * k.c * oh * ow, -1.0f), want(fast.size());
    for (int threads : {1, 2}) {
      depthwise3x3(win, x.data(), wt.data(), k.bias ? b.data() : nullptr, k.clip, k.n, k.c,
                   fast.data(), threads);
      for (int64_t n = 0; n < k.n; ++n)
        for (int64_t ch = 0; ch < k.c; ++ch)
          for (int64_t oy = 0; oy < oh; ++oy)
            for (int64_t ox = 0; ox < ow; ++ox) {
              float acc = 0.0f;
              for (int ky = 0; ky < 3; ++ky) {
                const int64_t iy = oy * k.stride - k.pad_top + ky;
                if (iy < 0 || iy >= k.h) continue;
                for (int kx = 0; kx < 3; ++kx) {
                  const int64_t ix = ox * k.stride - k.pad_left + kx;
                  if (ix < 0 || ix >= k.w) continue;
                  acc = madd(wt[ch * 9 + ky * 3 + kx], x[((n * k.c + ch) * k.h + iy) * k.w + ix],
                             acc);
                }
              }
              want[((n * k.c + ch) * oh + oy) * ow + ox] = k.clip(acc + (k.bias ? b[ch] : 0.0f));
            }
      EXPECT_EQ(std::memcmp(fast.data(), want.data(), fast.size() * sizeof(float)), 0)
          << "c=" << k.c << " stride " << k.stride << " threads " << threads;
    }
  }
}

}  // namespace
}  // namespace aimc::floatk
