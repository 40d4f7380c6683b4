// Reference first, then fast: the optimized int8 kernels equal the quant::
// reference functions byte for byte over many geometries, for 1 and 2
// threads, and the SIMD pieces equal their scalar forms.
#include <gtest/gtest.h>

#include <cstdio>
#include <ostream>
#include <random>

#include "engine/kernels/int8/conv_int8_fast.h"
#include "engine/kernels/int8/fully_connected_fast.h"
#include "engine/kernels/int8/gemm_u8s8.h"
#include "engine/kernels/int8/requantize_rows.h"
#include "quant/conv_ref.h"
#include "quant/fully_connected_ref.h"

namespace aimc::int8k {
namespace {

struct ConvCase {
  const char* name;
  int n, h, w, cin, cout, kh, kw, stride, dilation, groups;
  int pad_top, pad_left, pad_bottom, pad_right;
};
void PrintTo(const ConvCase& c, std::ostream* os) { *os << c.name; }

std::vector<int8_t> random_bytes(std::mt19937& rng, std::size_t count, int lo = -128,
                                 int hi = 127) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int8_t> v(count);
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

class ConvEquivalence : public ::testing::TestWithParam<ConvCase> {};

TEST_P(ConvEquivalence, FastEqualsReference) {
  const ConvCase& c = GetParam();
  std::mt19937 rng(1234 + c.cin * 7 + c.cout);
  quant::ConvGeometry g;
  g.kernel_h = c.kh;
  g.kernel_w = c.kw;
  g.stride_h = g.stride_w = c.stride;
  g.dilation_h = g.dilation_w = c.dilation;
  g.pad_top = c.pad_top;
  g.pad_left = c.pad_left;
  g.pad_bottom = c.pad_bottom;
  g.pad_right = c.pad_right;
  g.groups = c.groups;
  for (int zp_in : {-128, -1, 37}) {
    quant::ConvQuant q;
    q.input_zero_point = zp_in;
    q.output_zero_point = zp_in == -128 ? -128 : 5;
    q.range = zp_in == -128 ? quant::ActivationRange{-128, 127} : quant::ActivationRange{-100, 90};
    std::uniform_real_distribution<double> scale(1e-5, 0.9);
    for (int oc = 0; oc < c.cout; ++oc) {
      // Mostly realistic multipliers, plus a left-shifting one and a tiny one.
      const double m = oc % 11 == 3 ? 3.7 : oc % 13 == 5 ? 2e-9 : scale(rng) * 0.01;
      q.per_channel.push_back(quant::quantize_multiplier(m));
    }
    const int cin_g = c.cin / c.groups;
    const auto filter = random_bytes(rng, std::size_t(c.cout) * c.kh * c.kw * cin_g);
    std::vector<int32_t> bias(c.cout);
    std::uniform_int_distribution<int32_t> bd(-50000, 50000);
    for (auto& b : bias) b = bd(rng);
    const quant::Nhwc in{c.n, c.h, c.w, c.cin};
    const auto input = random_bytes(rng, in.size());
    const quant::Nhwc out{c.n, g.out_h(c.h), g.out_w(c.w), c.cout};
    std::vector<int8_t> want(out.size()), got1(out.size()), got2(out.size());
    quant::conv_int8_reference(g, q, in, input.data(), c.cout, filter.data(), bias.data(), out,
                               want.data());
    const PackedConv p = pack_conv(g, q, c.cin, c.cout, filter.data(), bias.data());
    conv_int8_fast(p, in, input.data(), out, got1.data(), 1);
    conv_int8_fast(p, in, input.data(), out, got2.data(), 2);
    ASSERT_EQ(got1, want) << c.name << " zp_in " << zp_in;
    ASSERT_EQ(got2, want) << c.name << " zp_in " << zp_in << " (2 threads)";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Geometries, ConvEquivalence,
    ::testing::Values(
        ConvCase{"pointwise", 1, 14, 14, 24, 144, 1, 1, 1, 1, 1, 0, 0, 0, 0},
        ConvCase{"pointwise_odd", 3, 5, 7, 17, 1000, 1, 1, 1, 1, 1, 0, 0, 0, 0},
        ConvCase{"first_conv_s2", 2, 23, 23, 3, 32, 3, 3, 2, 1, 1, 0, 0, 1, 1},
        ConvCase{"conv3x3_same", 1, 9, 11, 7, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1},
        ConvCase{"dilated", 1, 12, 12, 8, 16, 3, 3, 1, 2, 1, 2, 2, 2, 2},
        ConvCase{"asymmetric_5x3", 2, 10, 9, 5, 6, 5, 3, 2, 1, 1, 2, 0, 1, 1},
        ConvCase{"depthwise_s1", 1, 13, 13, 32, 32, 3, 3, 1, 1, 32, 1, 1, 1, 1},
        ConvCase{"depthwise_s2_odd", 3, 15, 14, 37, 37, 3, 3, 2, 1, 37, 0, 0, 1, 1},
        ConvCase{"depthwise_dilated", 1, 9, 9, 16, 16, 3, 3, 1, 2, 16, 2, 2, 2, 2},
        ConvCase{"depthwise_144_s2", 2, 15, 15, 144, 144, 3, 3, 2, 1, 144, 0, 0, 1, 1},
        ConvCase{"depthwise_48_s1", 1, 7, 9, 48, 48, 3, 3, 1, 1, 48, 1, 1, 1, 1},
        ConvCase{"depthwise_150_s2", 2, 14, 14, 150, 150, 3, 3, 2, 1, 150, 0, 0, 1, 1},
        ConvCase{"grouped4", 2, 8, 8, 16, 12, 3, 3, 1, 1, 4, 1, 1, 1, 1},
        ConvCase{"depthwise_multiplier2", 1, 6, 6, 4, 8, 3, 3, 1, 1, 4, 1, 1, 1, 1}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(FullyConnectedEquivalence, FastEqualsReference) {
  std::mt19937 rng(5);
  for (auto [batch, in, out, per_channel] :
       {std::tuple{1, 1280, 1000, false}, std::tuple{3, 17, 5, true},
        std::tuple{8, 64, 33, false}}) {
    quant::FullyConnectedQuant q;
    q.input_zero_point = -7;
    q.output_zero_point = 11;
    q.range = {-120, 127};
    const int multipliers = per_channel ? out : 1;
    for (int i = 0; i < multipliers; ++i)
      q.per_channel.push_back(quant::quantize_multiplier(0.0013 * (i + 1)));
    const auto x = random_bytes(rng, std::size_t(batch) * in);
    const auto w = random_bytes(rng, std::size_t(out) * in);
    std::vector<int32_t> bias(out);
    for (int o = 0; o < out; ++o) bias[o] = (o * 7919) % 20001 - 10000;
    std::vector<int8_t> want(std::size_t(batch) * out), got(want.size());
    quant::fully_connected_int8_reference(q, batch, in, out, x.data(), w.data(), bias.data(),
                                          want.data());
    for (int threads : {1, 2}) {
      fully_connected_int8_fast(q, batch, in, out, x.data(), w.data(), bias.data(), got.data(),
                                threads);
      ASSERT_EQ(got, want) << batch << "x" << in << "->" << out << " threads " << threads;
    }
  }
}

TEST(GemmU8S8, RunTimeDispatchFindsThisCpusKernel) {
  // This machine (and CI's) has AVX-512 VNNI; elsewhere the test reports
  // which kernel the dispatch chose.
  const GemmIsa best = best_gemm_isa();
  EXPECT_TRUE(gemm_isa_available(GemmIsa::kScalar));
  EXPECT_TRUE(gemm_isa_available(best));
#if defined(__AVX512VNNI__)
  EXPECT_EQ(best, GemmIsa::kAvx512Vnni);
#endif
  std::printf("int8 GEMM kernel chosen at run time: %d (0 scalar, 1 AVX2, 2 AVX-512 VNNI)\n",
              static_cast<int>(best));
}

TEST(GemmU8S8, SimdEqualsScalarIncludingTails) {
  std::mt19937 rng(7);
  for (auto [rows, k, n] : {std::tuple{1, 3, 1}, std::tuple{7, 27, 32}, std::tuple{13, 144, 70},
                            std::tuple{48, 961, 1000}}) {
    const auto w = random_bytes(rng, std::size_t(n) * k);
    const PackedB b = pack_b(w.data(), k, n);
    std::vector<uint8_t> a(std::size_t(rows) * b.k_padded, 0);
    std::uniform_int_distribution<int> d(0, 255);
    for (int r = 0; r < rows; ++r)
      for (int i = 0; i < k; ++i) a[std::size_t(r) * b.k_padded + i] = static_cast<uint8_t>(d(rng));
    std::vector<int32_t> fast(std::size_t(rows) * b.n_padded), slow(fast.size());
    gemm_u8s8(a.data(), rows, b.k_padded, b, fast.data(), b.n_padded);
    gemm_u8s8_scalar(a.data(), rows, b.k_padded, b, slow.data(), b.n_padded);
    ASSERT_EQ(fast, slow) << rows << "x" << k << "x" << n;
    // Every kernel this CPU can run (the run-time dispatch's fallbacks too).
    for (GemmIsa isa : {GemmIsa::kAvx2, GemmIsa::kAvx512Vnni}) {
      if (!gemm_isa_available(isa)) continue;
      std::fill(fast.begin(), fast.end(), -1);
      gemm_u8s8_with(isa, a.data(), rows, b.k_padded, b, fast.data(), b.n_padded);
      ASSERT_EQ(fast, slow) << "isa " << int(isa) << " " << rows << "x" << k << "x" << n;
    }
    // And the scalar form is the plain definition.
    for (int r = 0; r < rows; ++r) {
      int32_t sum = 0;
      for (int i = 0; i < k; ++i)
        sum += int32_t{a[std::size_t(r) * b.k_padded + i]} * w[std::size_t(n - 1) * k + i];
      ASSERT_EQ(slow[std::size_t(r) * b.n_padded + n - 1], sum);
    }
  }
}

TEST(GemmU8S8, Int8ActivationsReadInPlaceEqualTheOffsetCopy) {
  // a_is_int8: the GEMM offsets int8 bytes by +128 as it reads them, which
  // must equal offsetting a copy first (the im2col path).
  std::mt19937 rng(11);
  for (auto [rows, k, n] :
       {std::tuple{5, 16, 96}, std::tuple{48, 144, 24}, std::tuple{13, 96, 40}}) {
    const auto w = random_bytes(rng, std::size_t(n) * k);
    const PackedB b = pack_b(w.data(), k, n);
    const auto x = random_bytes(rng, std::size_t(rows) * k);
    std::vector<uint8_t> offset(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) offset[i] = static_cast<uint8_t>(x[i] + 128);
    std::vector<int32_t> in_place(std::size_t(rows) * b.n_padded), copied(in_place.size()),
        scalar(in_place.size());
    gemm_u8s8(reinterpret_cast<const uint8_t*>(x.data()), rows, k, b, in_place.data(), b.n_padded,
              true);
    gemm_u8s8(offset.data(), rows, k, b, copied.data(), b.n_padded);
    gemm_u8s8_scalar(reinterpret_cast<const uint8_t*>(x.data()), rows, k, b, scalar.data(),
                     b.n_padded, true);
    EXPECT_EQ(in_place, copied) << rows << "x" << k << "x" << n;
    EXPECT_EQ(scalar, copied) << rows << "x" << k << "x" << n;
    for (GemmIsa isa : {GemmIsa::kAvx2, GemmIsa::kAvx512Vnni}) {
      if (!gemm_isa_available(isa)) continue;
      std::vector<int32_t> got(in_place.size(), -1);
      gemm_u8s8_with(isa, reinterpret_cast<const uint8_t*>(x.data()), rows, k, b, got.data(),
                     b.n_padded, true);
      EXPECT_EQ(got, scalar) << "isa " << int(isa) << " " << rows << "x" << k << "x" << n;
    }
  }
}

TEST(RequantizeRow, SimdEqualsScalarOnExtremeValues) {
  std::mt19937 rng(99);
  constexpr int kChannels = 203;
  std::vector<quant::QuantizedMultiplier> ms;
  std::uniform_real_distribution<double> real(-30, 4);
  for (int c = 0; c < kChannels; ++c)
    ms.push_back(quant::quantize_multiplier(std::exp2(real(rng))));
  ChannelRequant q = make_channel_requant(ms, -3, {-128, 127});
  std::uniform_int_distribution<int32_t> off(-1000, 1000);
  for (auto& o : q.offset) o = off(rng);
  std::vector<int32_t> acc(kChannels);
  std::uniform_int_distribution<int32_t> any(INT32_MIN / 32, INT32_MAX / 32);
  for (int trial = 0; trial < 200; ++trial) {
    for (int c = 0; c < kChannels; ++c) {
      acc[c] =
          trial % 7 == 0 ? (c % 2 ? INT32_MAX / 32 : INT32_MIN / 32) : any(rng) >> (trial % 20);
    }
    std::vector<int8_t> fast(kChannels), slow(kChannels);
    requantize_row(q, acc.data(), kChannels, fast.data());
    requantize_row_scalar(q, acc.data(), 0, kChannels, slow.data());
    ASSERT_EQ(fast, slow) << "trial " << trial;
  }
}

TEST(RequantizeRows, EveryRowEqualsTheScalarForm) {
  // Rows of a GEMM panel: accumulators with a padded stride, outputs packed;
  // channel counts below, at and past 16-lane blocks, and one left shift.
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> real(-30, 2);
  std::uniform_int_distribution<int32_t> any(INT32_MIN / 64, INT32_MAX / 64);
  for (const int channels : {3, 16, 24, 37}) {
    std::vector<quant::QuantizedMultiplier> ms;
    for (int c = 0; c < channels; ++c)
      ms.push_back(quant::quantize_multiplier(std::exp2(c == 1 ? 1.5 : real(rng))));
    ChannelRequant q = make_channel_requant(ms, 5, {-128, 127});
    for (auto& o : q.offset) o = any(rng) >> 16;
    const int rows = 11, stride = channels + 5;
    std::vector<int32_t> acc(std::size_t(rows) * stride);
    for (auto& a : acc) a = any(rng) >> (rng() % 20);
    std::vector<int8_t> fast(std::size_t(rows) * channels, 99), slow(fast.size(), 98);
    requantize_rows(q, acc.data(), stride, rows, channels, fast.data());
    for (int r = 0; r < rows; ++r)
      requantize_row_scalar(q, acc.data() + std::size_t(r) * stride, 0, channels,
                            slow.data() + std::size_t(r) * channels);
    EXPECT_EQ(fast, slow) << channels << " channels";
  }
}

TEST(RequantizeRow, RoundingNearInt32LimitsEqualsScalar) {
  // Products whose rounding nudge would overflow int32 take the long form.
  std::vector<quant::QuantizedMultiplier> ms;
  for (int c = 0; c < 37; ++c) ms.push_back({INT32_MAX - c, -(c % 32)});
  const ChannelRequant q = make_channel_requant(ms, 0, {-128, 127});
  for (int32_t extreme : {INT32_MAX, INT32_MAX - 1, INT32_MIN, INT32_MIN + 1, 0, -1, 1}) {
    std::vector<int32_t> acc(37, extreme);
    std::vector<int8_t> fast(37), slow(37);
    requantize_row(q, acc.data(), 37, fast.data());
    requantize_row_scalar(q, acc.data(), 0, 37, slow.data());
    EXPECT_EQ(fast, slow) << extreme;
  }
}

TEST(RequantizeRow, TheSaturatingMultiplierTakesTheExactPath) {
  // INT32_MIN · INT32_MIN is the one product gemmlowp saturates; no
  // quantize_multiplier result is INT32_MIN, but a row holding one must
  // still equal the scalar form.
  std::vector<quant::QuantizedMultiplier> ms(20, quant::QuantizedMultiplier{1 << 30, -3});
  ms[7] = {INT32_MIN, 0};
  const ChannelRequant q = make_channel_requant(ms, 0, {INT32_MIN, INT32_MAX});
  EXPECT_FALSE(q.simd_exact);
  std::vector<int32_t> acc(20, INT32_MIN);
  std::vector<int8_t> fast(20), slow(20);
  requantize_row(q, acc.data(), 20, fast.data());
  requantize_row_scalar(q, acc.data(), 0, 20, slow.data());
  EXPECT_EQ(fast, slow);
}

}  // namespace
}  // namespace aimc::int8k
