// Reference first, then fast, for weights with zero points: every conv path
// (GEMM with the in-place 1×1 and im2col panels, the depthwise row kernel and
// its fallback, the grouped path) and the fully-connected kernel equal the
// quant:: reference byte for byte, with per-tensor and per-channel weight
// zero points, batches above 1 and 1 to 3 threads.
#include <gtest/gtest.h>

#include <ostream>
#include <random>

#include "engine/kernels/int8/conv_int8_fast.h"
#include "engine/kernels/int8/fully_connected_fast.h"
#include "quant/conv_ref.h"
#include "quant/fully_connected_ref.h"

namespace aimc::int8k {
namespace {

struct ConvCase {
  const char* name;
  int n, h, w, cin, cout, k, stride, dilation, groups, pad;
  ConvPath path;
};
void PrintTo(const ConvCase& c, std::ostream* os) { *os << c.name; }

std::vector<int8_t> random_bytes(std::mt19937& rng, std::size_t count) {
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> v(count);
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

// Per tensor, per channel (extremes included) and one channel only.
std::vector<std::vector<int32_t>> weight_zero_points(std::mt19937& rng, int channels) {
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int32_t> per_channel(channels), one(channels, 0);
  for (auto& z : per_channel) z = d(rng);
  per_channel[0] = -128;
  if (channels > 1) per_channel[1] = 127;
  one[channels - 1] = 9;
  return {{-3}, {120}, per_channel, one};
}

class AsymmetricConv : public ::testing::TestWithParam<ConvCase> {};

TEST_P(AsymmetricConv, FastEqualsReference) {
  const ConvCase& c = GetParam();
  std::mt19937 rng(77 + c.cin * 3 + c.cout);
  quant::ConvGeometry g;
  g.kernel_h = g.kernel_w = c.k;
  g.stride_h = g.stride_w = c.stride;
  g.dilation_h = g.dilation_w = c.dilation;
  g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = c.pad;
  g.groups = c.groups;
  const auto filter = random_bytes(rng, std::size_t(c.cout) * c.k * c.k * (c.cin / c.groups));
  std::vector<int32_t> bias(c.cout);
  std::uniform_int_distribution<int32_t> bd(-50000, 50000);
  for (auto& b : bias) b = bd(rng);
  const quant::Nhwc in{c.n, c.h, c.w, c.cin};
  const auto input = random_bytes(rng, in.size());
  const quant::Nhwc out{c.n, g.out_h(c.h), g.out_w(c.w), c.cout};
  for (int32_t zx : {-128, 17})
    for (const auto& zw : weight_zero_points(rng, c.cout)) {
      quant::ConvQuant q;
      q.input_zero_point = zx;
      q.output_zero_point = -6;
      q.weight_zero_point = zw;
      for (int oc = 0; oc < c.cout; ++oc)
        q.per_channel.push_back(quant::quantize_multiplier(0.0001 + 0.00003 * (oc % 7)));
      std::vector<int8_t> want(out.size()), got(out.size());
      quant::conv_int8_reference(g, q, in, input.data(), c.cout, filter.data(), bias.data(), out,
                                 want.data());
      const PackedConv p = pack_conv(g, q, c.cin, c.cout, filter.data(), bias.data());
      ASSERT_EQ(p.path, c.path);
      for (int threads : {1, 2, 3}) {
        conv_int8_fast(p, in, input.data(), out, got.data(), threads);
        ASSERT_EQ(got, want) << c.name << " zx " << zx << " zw[0] " << zw[0] << " threads "
                             << threads;
      }
    }
}

INSTANTIATE_TEST_SUITE_P(
    Paths, AsymmetricConv,
    ::testing::Values(
        ConvCase{"pointwise_in_place", 3, 7, 9, 24, 40, 1, 1, 1, 1, 0, ConvPath::kGemm},
        ConvCase{"pointwise_stride2", 2, 7, 7, 13, 17, 1, 2, 1, 1, 0, ConvPath::kGemm},
        ConvCase{"conv3x3_pad_stride2", 2, 11, 10, 5, 19, 3, 2, 1, 1, 1, ConvPath::kGemm},
        ConvCase{"conv3x3_pad2_dilated", 2, 9, 9, 8, 16, 3, 1, 2, 1, 2, ConvPath::kGemm},
        ConvCase{"depthwise_row_kernel", 2, 9, 8, 32, 32, 3, 1, 1, 32, 1, ConvPath::kDepthwise},
        ConvCase{"depthwise_s2_odd", 3, 10, 9, 37, 37, 3, 2, 1, 37, 1, ConvPath::kDepthwise},
        ConvCase{"depthwise_5x5", 2, 8, 8, 16, 16, 5, 1, 1, 16, 2, ConvPath::kDepthwise},
        ConvCase{"grouped", 2, 7, 7, 12, 9, 3, 1, 1, 3, 1, ConvPath::kGeneric},
        ConvCase{"depthwise_multiplier2", 2, 6, 6, 4, 8, 3, 2, 1, 4, 1, ConvPath::kGeneric}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(AsymmetricFullyConnected, FastEqualsReference) {
  std::mt19937 rng(6);
  for (auto [batch, in, out] : {std::tuple{1, 1280, 100}, std::tuple{4, 17, 5}}) {
    const auto x = random_bytes(rng, std::size_t(batch) * in);
    const auto w = random_bytes(rng, std::size_t(out) * in);
    std::vector<int32_t> bias(out);
    for (int o = 0; o < out; ++o) bias[o] = (o * 7919) % 20001 - 10000;
    for (const auto& zw : weight_zero_points(rng, out)) {
      quant::FullyConnectedQuant q;
      q.input_zero_point = -7;
      q.output_zero_point = 11;
      q.weight_zero_point = zw;
      for (int i = 0; i < out; ++i)
        q.per_channel.push_back(quant::quantize_multiplier(1e-4 * (i + 1)));
      std::vector<int8_t> want(std::size_t(batch) * out), got(want.size());
      quant::fully_connected_int8_reference(q, batch, in, out, x.data(), w.data(), bias.data(),
                                            want.data());
      for (int threads : {1, 2, 3}) {
        fully_connected_int8_fast(q, batch, in, out, x.data(), w.data(), bias.data(), got.data(),
                                  threads);
        ASSERT_EQ(got, want) << batch << "x" << in << "->" << out << " threads " << threads;
      }
    }
  }
}

}  // namespace
}  // namespace aimc::int8k
