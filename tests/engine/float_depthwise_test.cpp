// The float 3×3 depthwise fast path equals the plane loop's arithmetic bit
// for bit: per output, fused multiply-adds from 0 over the in-bounds taps in
// (ky, kx) order, then + bias (the order float_conv.cpp's conv_plane uses),
// then the fused clip (clip_value).
#include "engine/kernels/float/float_depthwise.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "support/float_depthwise_oracle.h"

namespace aimc::floatk {
namespace {

struct Case {
  int64_t n, c, h, w, stride, pad_top, pad_left;
  bool bias;
  FusedClip clip;
  int64_t pad_bottom = -1, pad_right = -1;  // -1: as top / left
};

std::string name(const Case& k) {
  return std::to_string(k.n) + "x" + std::to_string(k.c) + "x" + std::to_string(k.h) + "x" +
         std::to_string(k.w) + " stride " + std::to_string(k.stride) + " pads " +
         std::to_string(k.pad_top) + "," + std::to_string(k.pad_left) + "," +
         std::to_string(k.pad_bottom) + "," + std::to_string(k.pad_right) +
         (k.bias ? " bias" : "") + (k.clip.on ? " clip" : "");
}

// Runs every case with 1, 2 and 3 threads and compares with the plane loop by
// memcmp. `special` puts NaN and ±inf among the inputs.
void check(const std::vector<Case>& cases, bool special = false) {
  std::mt19937 rng(5);
  std::normal_distribution<float> d(0.0f, 1.0f);
  for (Case k : cases) {
    if (k.pad_bottom < 0) k.pad_bottom = k.pad_top;
    if (k.pad_right < 0) k.pad_right = k.pad_left;
    const Window win = testing::depthwise3x3_window(k.h, k.w, k.stride, k.pad_top, k.pad_left,
                                                    k.pad_bottom, k.pad_right);
    if (!depthwise3x3_supported(win, k.c, k.c, k.c)) GTEST_SKIP() << "no AVX-512 on this build";
    std::vector<float> x(k.n * k.c * k.h * k.w), wt(k.c * 9), b(k.c);
    for (auto& v : x) v = d(rng);
    for (auto& v : wt) v = d(rng);
    for (auto& v : b) v = d(rng);
    if (special) {
      const float nan = std::numeric_limits<float>::quiet_NaN();
      const float inf = std::numeric_limits<float>::infinity();
      for (std::size_t i = 0; i < x.size(); i += 37)
        x[i] = i % 3 == 0 ? nan : i % 3 == 1 ? inf : -inf;
    }
    const std::vector<float> want =
        testing::plain_depthwise3x3(x, k.n, k.c, win, wt, k.bias ? b.data() : nullptr, k.clip);
    for (int threads : {1, 2, 3}) {
      std::vector<float> fast(want.size(), -1.0f);
      depthwise3x3(win, x.data(), wt.data(), k.bias ? b.data() : nullptr, k.clip, k.n, k.c,
                   fast.data(), threads);
      EXPECT_EQ(std::memcmp(fast.data(), want.data(), fast.size() * sizeof(float)), 0)
          << name(k) << " threads " << threads;
    }
  }
}

const FusedClip kRelu6{true, 0.0f, 6.0f}, kNone{};

TEST(FloatDepthwise3x3, EqualsThePlaneLoopBitForBit) {
  // Odd channel counts, planes narrower and wider than a register, 1 to 6
  // output rows, both strides.
  check({Case{1, 32, 13, 13, 1, 1, 1, true, kNone}, Case{2, 48, 15, 14, 2, 0, 0, true, kRelu6},
         Case{1, 16, 7, 7, 1, 1, 1, false, kNone}, Case{3, 64, 9, 12, 2, 1, 1, true, kRelu6},
         Case{1, 3, 1, 40, 1, 1, 1, true, kRelu6}, Case{2, 5, 6, 37, 2, 1, 1, false, kNone},
         Case{1, 7, 11, 3, 1, 0, 0, true, FusedClip{true, 0.5f, -0.5f}}});
}

// Stride 1 with at most 64 output columns runs from a zero-padded copy of
// each plane, in rows of 8 (two rows per register), 16, 32 or 64 columns;
// wider rows (and those whose padding does not fit) read in place.
TEST(FloatDepthwise3x3, SmallPlanesEqualThePlaneLoop) {
  std::vector<Case> cases;
  for (int64_t w : {1, 2, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 17, 28, 31, 32, 56, 62, 63, 64}) {
    for (int64_t h : {1, 3, 7, 14, 15, 30}) {
      cases.push_back({2, 3, h, w, 1, 1, 1, (w + h) % 2 == 0, h % 3 == 0 ? kNone : kRelu6});
    }
  }
  // Other paddings: valid, and asymmetric ones of the same total width.
  for (int64_t w : {6, 7, 13, 14, 28, 30, 56}) {
    cases.push_back({2, 5, 9, w, 1, 0, 0, true, kRelu6});
    cases.push_back({1, 5, 10, w, 1, 2, 2, false, kNone, 0, 0});
    cases.push_back({1, 5, 10, w, 1, 0, 0, true, kRelu6, 2, 2});
    cases.push_back({1, 5, 8, w, 1, 2, 1, true, kNone, 1, 2});
  }
  // More registers of two rows than one pass takes (7×30 plane: 15).
  cases.push_back({1, 4, 30, 7, 1, 1, 1, true, kRelu6});
  cases.push_back({1, 4, 61, 6, 1, 1, 1, true, kNone});
  check(cases);
}

TEST(FloatDepthwise3x3, OddWidthsAndBothStridesEqualThePlaneLoop) {
  std::vector<Case> cases;
  for (int64_t stride : {1, 2}) {
    for (int64_t w : {7, 13, 14, 15, 17, 28, 31, 33, 56}) {
      cases.push_back({2, 3, 11, w, stride, 1, 1, true, kRelu6});
      cases.push_back({1, 2, 12, w, stride, 0, 0, false, kNone, 1, 1});  // TF SAME, stride 2
      cases.push_back({1, 2, 9, w, stride, 0, 0, true, kNone});
    }
  }
  check(cases);
}

// One image with planes of more than 1024 positions: with 2 or 3 threads
// each thread computes a band of rows of every plane (odd threads backwards),
// from in-place rows (wide or stride 2) or its rows of the padded copy.
TEST(FloatDepthwise3x3, BandsOfRowsEqualThePlaneLoop) {
  check({Case{1, 5, 56, 56, 1, 1, 1, true, kRelu6}, Case{1, 4, 29, 28, 1, 1, 1, true, kNone},
         Case{1, 3, 23, 23, 1, 0, 0, false, kRelu6}, Case{1, 3, 40, 17, 1, 2, 1, true, kRelu6},
         Case{1, 3, 70, 60, 1, 1, 1, true, kNone, 2, 2},
         Case{1, 3, 112, 112, 1, 1, 1, true, kRelu6},
         Case{1, 3, 112, 112, 2, 0, 0, true, kRelu6, 1, 1},
         Case{1, 2, 57, 57, 2, 1, 1, false, kNone}, Case{1, 2, 33, 80, 1, 1, 1, true, kRelu6}});
}

// NaN and infinite inputs reach the clip as the plane loop computes them
// (NaN passes the clip).
TEST(FloatDepthwise3x3, NonFiniteInputsEqualThePlaneLoop) {
  check({Case{1, 3, 14, 14, 1, 1, 1, true, kRelu6}, Case{1, 3, 7, 7, 1, 1, 1, true, kRelu6},
         Case{1, 3, 28, 28, 1, 1, 1, false, kNone}, Case{1, 3, 14, 14, 2, 0, 0, true, kRelu6, 1, 1},
         Case{1, 3, 40, 40, 2, 1, 1, true, FusedClip{true, 0.5f, -0.5f}}},
        /*special=*/true);
}

}  // namespace
}  // namespace aimc::floatk
