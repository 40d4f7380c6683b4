// Weights with zero points in the reference kernels: the accumulator is
// Σ (x − zx)(w − zw), checked against a direct int64 computation on a
// zero-point-padded copy of the input (so padding taps are x = zx), and the
// requantized outputs against the same sum through the fixed-point rescale.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "quant/conv_ref.h"
#include "quant/fully_connected_ref.h"

namespace aimc::quant {
namespace {

std::vector<int8_t> random_bytes(std::mt19937& rng, std::size_t n) {
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

// The conv written out: the input padded with zx, every tap of every group.
int64_t direct_conv(const ConvGeometry& g, int32_t zx, int32_t zw, const Nhwc& in,
                    const std::vector<int8_t>& x, const std::vector<int8_t>& w, int out_c, int b,
                    int oy, int ox, int oc) {
  const int cin_g = in.c / g.groups, group = oc / (out_c / g.groups);
  int64_t acc = 0;
  for (int ky = 0; ky < g.kernel_h; ++ky)
    for (int kx = 0; kx < g.kernel_w; ++kx)
      for (int ic = 0; ic < cin_g; ++ic) {
        const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
        const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
        const bool inside = iy >= 0 && iy < in.h && ix >= 0 && ix < in.w;
        const int64_t xv = inside ? x[in.offset(b, iy, ix, group * cin_g + ic)] : zx;
        const int64_t wv = w[((int64_t{oc} * g.kernel_h + ky) * g.kernel_w + kx) * cin_g + ic];
        acc += (xv - zx) * (wv - zw);
      }
  return acc;
}

struct Case {
  int groups, cin, cout, k, stride, pad;
};

TEST(WeightZeroPointReference, ConvAccumulatorIsTheZeroPointCorrectedSum) {
  std::mt19937 rng(21);
  for (const Case c : {Case{1, 5, 7, 3, 2, 1}, Case{1, 9, 4, 1, 1, 0}, Case{6, 6, 6, 3, 1, 1},
                       Case{2, 6, 4, 3, 1, 2}, Case{3, 3, 6, 3, 2, 1}}) {
    ConvGeometry g;
    g.kernel_h = g.kernel_w = c.k;
    g.stride_h = g.stride_w = c.stride;
    g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = c.pad;
    g.groups = c.groups;
    const Nhwc in{2, 6, 5, c.cin};
    const Nhwc out{2, g.out_h(in.h), g.out_w(in.w), c.cout};
    const auto x = random_bytes(rng, in.size());
    const auto w = random_bytes(rng, std::size_t(c.cout) * c.k * c.k * (c.cin / c.groups));
    for (int32_t zx : {-128, 0, 41})
      for (int32_t zw : {-128, -3, 0, 5, 127})
        for (int b = 0; b < out.n; ++b)
          for (int oy = 0; oy < out.h; ++oy)
            for (int ox = 0; ox < out.w; ++ox)
              for (int oc = 0; oc < c.cout; ++oc)
                ASSERT_EQ(conv_accumulator_reference(g, zx, zw, in, x.data(), c.cout, w.data(), b,
                                                     oy, ox, oc),
                          direct_conv(g, zx, zw, in, x, w, c.cout, b, oy, ox, oc))
                    << "groups " << c.groups << " zx " << zx << " zw " << zw;
  }
}

TEST(WeightZeroPointReference, ConvRequantizesThePerChannelCorrectedSum) {
  std::mt19937 rng(22);
  ConvGeometry g;
  g.kernel_h = g.kernel_w = 3;
  g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = 1;
  const Nhwc in{2, 5, 4, 3};
  const int out_c = 4;
  const Nhwc out{2, g.out_h(in.h), g.out_w(in.w), out_c};
  const auto x = random_bytes(rng, in.size());
  const auto w = random_bytes(rng, std::size_t(out_c) * 27);
  const std::vector<int32_t> bias{100, -2000, 0, 31};
  ConvQuant q;
  q.input_zero_point = -9;
  q.output_zero_point = 4;
  q.weight_zero_point = {3, -128, 0, 127};
  for (int oc = 0; oc < out_c; ++oc)
    q.per_channel.push_back(quantize_multiplier(0.0004 * (oc + 1)));
  std::vector<int8_t> got(out.size());
  conv_int8_reference(g, q, in, x.data(), out_c, w.data(), bias.data(), out, got.data());
  for (int b = 0; b < out.n; ++b)
    for (int oy = 0; oy < out.h; ++oy)
      for (int ox = 0; ox < out.w; ++ox)
        for (int oc = 0; oc < out_c; ++oc) {
          const auto acc =
              static_cast<int32_t>(direct_conv(g, q.input_zero_point, q.weight_zero_point[oc], in,
                                               x, w, out_c, b, oy, ox, oc) +
                                   bias[oc]);
          const int32_t want =
              std::clamp(multiply_by_quantized_multiplier(acc, q.per_channel[oc]) + 4, -128, 127);
          ASSERT_EQ(got[out.offset(b, oy, ox, oc)], want) << oc;
        }
}

TEST(WeightZeroPointReference, WeightZeroPointsArePerTensorOrPerChannel) {
  EXPECT_EQ(weight_zero_point_of({}, 5), 0);
  EXPECT_EQ(weight_zero_point_of({7}, 5), 7);
  EXPECT_EQ(weight_zero_point_of({1, 2, 3}, 2), 3);
  EXPECT_FALSE(any_nonzero({}));
  EXPECT_FALSE(any_nonzero({0, 0}));
  EXPECT_TRUE(any_nonzero({0, -1}));
}

TEST(WeightZeroPointReference, FullyConnectedIsTheZeroPointCorrectedSum) {
  std::mt19937 rng(23);
  const int batch = 3, in = 37, out = 6;
  const auto x = random_bytes(rng, std::size_t(batch) * in);
  const auto w = random_bytes(rng, std::size_t(out) * in);
  for (const std::vector<int32_t>& zw :
       {std::vector<int32_t>{-128}, std::vector<int32_t>{0, 5, -7, 127, -128, 1}}) {
    FullyConnectedQuant q;
    q.input_zero_point = 13;
    q.output_zero_point = -2;
    q.weight_zero_point = zw;
    q.per_channel = {quantize_multiplier(0.0007)};
    std::vector<int8_t> got(std::size_t(batch) * out);
    fully_connected_int8_reference(q, batch, in, out, x.data(), w.data(), nullptr, got.data());
    for (int b = 0; b < batch; ++b)
      for (int o = 0; o < out; ++o) {
        int64_t acc = 0;
        for (int i = 0; i < in; ++i)
          acc += (int64_t{x[b * in + i]} - 13) * (int64_t{w[o * in + i]} - q.weight_zp(o));
        const int32_t want = std::clamp(
            multiply_by_quantized_multiplier(static_cast<int32_t>(acc), q.per_channel[0]) - 2, -128,
            127);
        ASSERT_EQ(got[b * out + o], want) << b << " " << o;
      }
  }
}

}  // namespace
}  // namespace aimc::quant
