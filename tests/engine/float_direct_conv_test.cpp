// The few-channel float 3×3 direct conv (the RGB stem) equals a plain loop
// bit for bit: per output, fused multiply-adds from 0 over the in-bounds taps
// in (channel, ky, kx) order, then + bias, then the fused clip.
#include "engine/kernels/float/float_direct_conv.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

namespace aimc::floatk {
namespace {

struct Case {
  int64_t n, in_c, out_c, h, w, stride, pad;
  bool bias;
  FusedClip clip;
};

TEST(FloatDirectConv3x3, EqualsThePlainLoopBitForBit) {
  std::mt19937 rng(9);
  std::normal_distribution<float> d(0.0f, 1.0f);
  const FusedClip relu6{true, 0.0f, 6.0f}, none{};
  // Output channels below, at and past one 16-channel block; widths below and
  // past one 16-lane register; both strides; asymmetric (TF "SAME") padding.
  for (const Case& k :
       {Case{1, 3, 32, 17, 21, 2, 0, true, relu6}, Case{2, 3, 7, 9, 40, 1, 1, false, none},
        Case{1, 1, 16, 5, 5, 2, 1, true, none}, Case{2, 4, 33, 12, 35, 2, 1, true, relu6}}) {
    Window win;
    win.in = {1, k.h, k.w};
    win.kernel = {1, 3, 3};
    win.stride = {1, k.stride, k.stride};
    win.pad_begin = {0, k.pad, k.pad};
    win.pad_end = {0, 1, 1};
    win.out = {1, (k.h + k.pad + 1 - 3) / k.stride + 1, (k.w + k.pad + 1 - 3) / k.stride + 1};
    if (!direct3x3_supported(win, k.in_c, 1)) GTEST_SKIP() << "no AVX-512 on this build";
    std::vector<float> x(k.n * k.in_c * k.h * k.w), wt(k.out_c * k.in_c * 9), b(k.out_c);
    for (auto& v : x) v = 3 * d(rng);
    for (auto& v : wt) v = d(rng);
    for (auto& v : b) v = d(rng);
    const int64_t oh = win.out[1], ow = win.out[2];
    std::vector<float> fast(k.n * k.out_c * oh * ow, -1.0f), want(fast.size());
    for (int64_t n = 0; n < k.n; ++n)
      for (int64_t o = 0; o < k.out_c; ++o)
        for (int64_t oy = 0; oy < oh; ++oy)
          for (int64_t ox = 0; ox < ow; ++ox) {
            float acc = 0.0f;
            for (int64_t c = 0; c < k.in_c; ++c)
              for (int ky = 0; ky < 3; ++ky) {
                const int64_t iy = oy * k.stride - k.pad + ky;
                if (iy < 0 || iy >= k.h) continue;
                for (int kx = 0; kx < 3; ++kx) {
                  const int64_t ix = ox * k.stride - k.pad + kx;
                  if (ix < 0 || ix >= k.w) continue;
                  acc = madd(wt[((o * k.in_c + c) * 3 + ky) * 3 + kx],
                             x[((n * k.in_c + c) * k.h + iy) * k.w + ix], acc);
                }
              }
            want[((n * k.out_c + o) * oh + oy) * ow + ox] = k.clip(acc + (k.bias ? b[o] : 0.0f));
          }
    for (int threads : {1, 2}) {
      direct3x3(win, x.data(), k.in_c, wt.data(), k.out_c, k.bias ? b.data() : nullptr, k.clip, k.n,
                fast.data(), threads);
      EXPECT_EQ(std::memcmp(fast.data(), want.data(), fast.size() * sizeof(float)), 0)
          << "in_c " << k.in_c << " out_c " << k.out_c << " stride " << k.stride << " threads "
          << threads;
    }
  }
}

}  // namespace
}  // namespace aimc::floatk
