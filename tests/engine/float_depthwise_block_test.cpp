// The fused depthwise block kernel equals the plain loops one after the
// other, bit for bit: an optional 1x1 expansion (fused multiply-adds from 0
// over the input channels in order, + bias when there is one, the clip),
// the depthwise (fused multiply-adds from 0 over the in-bounds taps in (ky,
// kx) order, + bias, the clip), an optional 1x1 projection (as the
// expansion, then + the residual). Whatever the band buffer (one output row
// a band up to the whole plane), the batch, the thread count, stride and
// padding.
#include "engine/kernels/float/float_depthwise_block.h"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/kernels/float/float_depthwise.h"
#include "support/float_depthwise_oracle.h"

namespace aimc::floatk {
namespace {

struct Case {
  int64_t n, cin, c, h, w, stride, pad_top, pad_left, pad_bottom, pad_right;
  bool expand_bias, depthwise_bias;
  bool expand = true;  // else the depthwise reads x (cin == c)
  int64_t out_c = 0;   // a projection to out_c channels (0: none)
  bool residual = false;
};

std::string name(const Case& k) {
  return std::to_string(k.n) + "x" + std::to_string(k.cin) + "->" + std::to_string(k.c) + "->" +
         std::to_string(k.out_c) + " " + std::to_string(k.h) + "x" + std::to_string(k.w) +
         " stride " + std::to_string(k.stride) + " pads " + std::to_string(k.pad_top) + "," +
         std::to_string(k.pad_left) + "," + std::to_string(k.pad_bottom) + "," +
         std::to_string(k.pad_right) + (k.expand ? " expand" : "") +
         (k.expand_bias ? " expand bias" : "") + (k.depthwise_bias ? " depthwise bias" : "") +
         (k.residual ? " residual" : "");
}

std::vector<float> random_floats(std::size_t n, std::mt19937& rng, float scale) {
  std::normal_distribution<float> d(0.0f, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

Window window_of(const Case& k) {
  return testing::depthwise3x3_window(k.h, k.w, k.stride, k.pad_top, k.pad_left, k.pad_bottom,
                                      k.pad_right);
}

struct Operands {
  std::vector<float> x, ew, eb, dw, db, pw, pb, residual;
};

// A plain 1x1 conv: [n, in_c, plane] -> [n, out_c, plane].
std::vector<float> pointwise(const std::vector<float>& x, int64_t n, int64_t in_c, int64_t out_c,
                             int64_t plane, const std::vector<float>& w, const float* bias,
                             const FusedClip& clip, const float* residual) {
  std::vector<float> y(n * out_c * plane);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t o = 0; o < out_c; ++o)
      for (int64_t p = 0; p < plane; ++p) {
        float acc = 0.0f;
        for (int64_t i = 0; i < in_c; ++i)
          acc = madd(w[o * in_c + i], x[(b * in_c + i) * plane + p], acc);
        if (bias) acc += bias[o];
        acc = clip(acc);
        const int64_t at = (b * out_c + o) * plane + p;
        y[at] = residual ? acc + residual[at] : acc;
      }
  return y;
}

// The plain loops, through whole tensors.
std::vector<float> reference(const Case& k, const Window& win, const Operands& o,
                             const FusedClip& clip) {
  const int64_t plane = k.h * k.w, oh = win.out[1], ow = win.out[2];
  const std::vector<float> mid =
      k.expand ? pointwise(o.x, k.n, k.cin, k.c, plane, o.ew, k.expand_bias ? o.eb.data() : nullptr,
                           clip, nullptr)
               : o.x;
  const std::vector<float> y = testing::plain_depthwise3x3(
      mid, k.n, k.c, win, o.dw, k.depthwise_bias ? o.db.data() : nullptr, clip);
  if (k.out_c == 0) return y;
  // The projection (unclipped, as MobileNetV2's), + the residual.
  return pointwise(y, k.n, k.c, k.out_c, oh * ow, o.pw, o.pb.data(), FusedClip{},
                   k.residual ? o.residual.data() : nullptr);
}

void check(const Case& k) {
  if (!depthwise_block_supported()) GTEST_SKIP() << "no AVX-512 float kernels in this build";
  const Window win = window_of(k);
  ASSERT_TRUE(depthwise3x3_supported(win, k.c, k.c, k.c)) << name(k);
  std::mt19937 rng(static_cast<unsigned>(k.h * 131 + k.w * 7 + k.c));
  const FusedClip relu6{true, 0.0f, 6.0f};
  const int64_t out_c = k.out_c ? k.out_c : k.c, out_size = k.n * out_c * win.out_size();
  Operands o{random_floats(k.n * k.cin * k.h * k.w, rng, 2.0f),
             random_floats(k.c * k.cin, rng, 0.7f),
             random_floats(k.c, rng, 0.5f),
             random_floats(k.c * 9, rng, 0.7f),
             random_floats(k.c, rng, 0.5f),
             random_floats(out_c * k.c, rng, 0.3f),
             random_floats(out_c, rng, 0.5f),
             random_floats(out_size, rng, 1.0f)};
  const std::vector<float> expected = reference(k, win, o, relu6);
  const PointwiseWeights expand(o.ew.data(), 1, k.c, k.cin), project(o.pw.data(), 1, out_c, k.c);
  const int64_t row_bytes = k.c * k.w * int64_t{sizeof(float)};
  // One output row a band (and less than a row's budget), a few rows, the
  // default, the whole plane.
  for (int64_t budget : {int64_t{1}, 4 * row_bytes, kBlockBandBytes, int64_t{1} << 30}) {
    DepthwiseBlock f{{},    win, o.dw.data(), k.depthwise_bias ? o.db.data() : nullptr,
                     relu6, {},  budget};
    if (k.expand) f.expand = {&expand, k.expand_bias ? o.eb.data() : nullptr, relu6};
    if (k.out_c) f.project = {&project, o.pb.data(), FusedClip{}};
    for (int threads : {1, 2, 3}) {
      // NaN-filled: every output must be written.
      std::vector<float> y(expected.size(), std::numeric_limits<float>::quiet_NaN());
      depthwise_block(f, o.x.data(), k.n, k.cin, k.c, out_c, y.data(),
                      k.residual ? o.residual.data() : nullptr, threads);
      EXPECT_EQ(std::memcmp(y.data(), expected.data(), y.size() * sizeof(float)), 0)
          << name(k) << " budget " << budget << " threads " << threads;
    }
  }
}

TEST(FloatDepthwiseBlock, MobileNetV2ShapesEqualThePlainLoops) {
  // The first block (depthwise + projection on the stem's output), the
  // second (16 -> 96 -> 24, 112x112, stride 2, TF SAME padding), and the
  // stride-1 blocks with their residual at 56x56 and 28x28.
  check({1, 32, 32, 112, 112, 1, 1, 1, 1, 1, false, true, false, 16});
  check({1, 16, 96, 112, 112, 2, 0, 0, 1, 1, true, true, true, 24});
  check({1, 24, 144, 56, 56, 1, 1, 1, 1, 1, true, true, true, 24, true});
  check({1, 32, 192, 28, 28, 1, 1, 1, 1, 1, true, true, true, 32, true});
  check({1, 24, 144, 56, 56, 2, 0, 0, 1, 1, true, true});  // no projection
  // 14x14: a residual block and the stride-2 block down to 7x7.
  check({1, 64, 384, 14, 14, 1, 1, 1, 1, 1, true, true, true, 64, true});
  check({1, 96, 576, 14, 14, 2, 0, 0, 1, 1, true, true, true, 160});
}

TEST(FloatDepthwiseBlock, AnyBatchPaddingWidthAndStages) {
  for (int64_t stride : {1, 2}) {
    for (int64_t w : {1, 7, 16, 17, 33, 70}) {
      check({3, 5, 24, 9, w, stride, 1, 1, 1, 1, true, false});
      check({2, 3, 16, 12, w, stride, 0, 2, 2, 0, false, true, true, 7});
      check({1, 8, 8, 5, w + 2, stride, 2, 0, 0, 2, false, false, false, 19, true});
      check({2, 6, 6, 11, w, stride, 1, 0, 1, 2, false, true, false});
    }
  }
}

}  // namespace
}  // namespace aimc::floatk
