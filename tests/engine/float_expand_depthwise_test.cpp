// The fused expansion + depthwise kernel equals the two plain loops one after
// the other, bit for bit: the 1x1 conv as fused multiply-adds from 0 over
// the input channels in order, + bias (when there is one), the clip; then the
// depthwise as fused multiply-adds from 0 over the in-bounds taps in (ky, kx)
// order, + bias, the clip. Whatever the band buffer (one output row a band up
// to the whole plane), the batch, the thread count, stride and padding.
#include "engine/kernels/float/float_expand_depthwise.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "engine/kernels/float/float_depthwise.h"

namespace aimc::floatk {
namespace {

struct Case {
  int64_t n, cin, c, h, w, stride, pad_top, pad_left, pad_bottom, pad_right;
  bool expand_bias, depthwise_bias;
};

std::string name(const Case& k) {
  return std::to_string(k.n) + "x" + std::to_string(k.cin) + "->" + std::to_string(k.c) + "x" +
         std::to_string(k.h) + "x" + std::to_string(k.w) + " stride " + std::to_string(k.stride) +
         " pads " + std::to_string(k.pad_top) + "," + std::to_string(k.pad_left) + "," +
         std::to_string(k.pad_bottom) + "," + std::to_string(k.pad_right) +
         (k.expand_bias ? " expand bias" : "") + (k.depthwise_bias ? " depthwise bias" : "");
}

std::vector<float> random_floats(std::size_t n, std::mt19937& rng, float scale) {
  std::normal_distribution<float> d(0.0f, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

Window window_of(const Case& k) {
  Window w;
  w.in = {1, k.h, k.w};
  w.kernel = {1, 3, 3};
  w.stride = {1, k.stride, k.stride};
  w.pad_begin = {0, k.pad_top, k.pad_left};
  w.pad_end = {0, k.pad_bottom, k.pad_right};
  w.out = {1, (k.h + k.pad_top + k.pad_bottom - 3) / k.stride + 1,
           (k.w + k.pad_left + k.pad_right - 3) / k.stride + 1};
  return w;
}

struct Operands {
  std::vector<float> x, ew, eb, dw, db;
};

// The plain loops, through the whole expanded tensor.
std::vector<float> reference(const Case& k, const Window& win, const Operands& o,
                             const FusedClip& clip) {
  const int64_t plane = k.h * k.w, oh = win.out[1], ow = win.out[2];
  std::vector<float> mid(k.n * k.c * plane), y(k.n * k.c * oh * ow);
  for (int64_t n = 0; n < k.n; ++n)
    for (int64_t ch = 0; ch < k.c; ++ch)
      for (int64_t p = 0; p < plane; ++p) {
        float acc = 0.0f;
        for (int64_t i = 0; i < k.cin; ++i)
          acc = madd(o.ew[ch * k.cin + i], o.x[(n * k.cin + i) * plane + p], acc);
        if (k.expand_bias) acc += o.eb[ch];
        mid[(n * k.c + ch) * plane + p] = clip(acc);
      }
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
              acc = madd(o.dw[ch * 9 + ky * 3 + kx], mid[((n * k.c + ch) * k.h + iy) * k.w + ix],
                         acc);
            }
          }
          y[((n * k.c + ch) * oh + oy) * ow + ox] =
              clip(acc + (k.depthwise_bias ? o.db[ch] : 0.0f));
        }
  return y;
}

void check(const Case& k) {
  if (!expand_depthwise_supported()) GTEST_SKIP() << "no AVX-512 float kernels in this build";
  const Window win = window_of(k);
  ASSERT_TRUE(depthwise3x3_supported(win, k.c, k.c, k.c)) << name(k);
  std::mt19937 rng(static_cast<unsigned>(k.h * 131 + k.w * 7 + k.c));
  const FusedClip relu6{true, 0.0f, 6.0f};
  Operands o{random_floats(k.n * k.cin * k.h * k.w, rng, 2.0f),
             random_floats(k.c * k.cin, rng, 0.7f), random_floats(k.c, rng, 0.5f),
             random_floats(k.c * 9, rng, 0.7f), random_floats(k.c, rng, 0.5f)};
  const std::vector<float> expected = reference(k, win, o, relu6);
  const PointwiseWeights packed(o.ew.data(), 1, k.c, k.cin);
  const int64_t row_bytes = k.c * k.w * int64_t{sizeof(float)};
  // One output row a band (and less than a row's budget), a few rows, the
  // default, the whole plane.
  for (int64_t budget : {int64_t{1}, 4 * row_bytes, kExpandBandBytes, int64_t{1} << 30}) {
    const ExpandDepthwise f{&packed,     k.expand_bias ? o.eb.data() : nullptr,    relu6, win,
                            o.dw.data(), k.depthwise_bias ? o.db.data() : nullptr, relu6, budget};
    for (int threads : {1, 2, 3}) {
      // NaN-filled: every output must be written.
      std::vector<float> y(expected.size(), std::numeric_limits<float>::quiet_NaN());
      expand_depthwise(f, o.x.data(), k.n, k.cin, k.c, y.data(), threads);
      EXPECT_EQ(std::memcmp(y.data(), expected.data(), y.size() * sizeof(float)), 0)
          << name(k) << " budget " << budget << " threads " << threads;
    }
  }
}

TEST(FloatExpandDepthwise, MobileNetV2ShapesEqualThePlainLoops) {
  // The second block (16 -> 96, 112x112, stride 2, TF SAME padding) and the
  // stride-1 and stride-2 blocks at 56x56 and 28x28.
  check({1, 16, 96, 112, 112, 2, 0, 0, 1, 1, true, true});
  check({1, 24, 144, 56, 56, 1, 1, 1, 1, 1, true, true});
  check({1, 24, 144, 56, 56, 2, 0, 0, 1, 1, true, true});
  check({1, 32, 192, 28, 28, 1, 1, 1, 1, 1, true, true});
}

TEST(FloatExpandDepthwise, AnyBatchPaddingWidthAndBias) {
  for (int64_t stride : {1, 2}) {
    for (int64_t w : {1, 7, 16, 17, 33, 70}) {
      check({3, 5, 24, 9, w, stride, 1, 1, 1, 1, true, false});
      check({2, 3, 16, 12, w, stride, 0, 2, 2, 0, false, true});
      check({1, 8, 8, 5, w + 2, stride, 2, 0, 0, 2, false, false});
    }
  }
}

}  // namespace
}  // namespace aimc::floatk
