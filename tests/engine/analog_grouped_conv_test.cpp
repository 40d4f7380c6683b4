// A grouped convolution (neither group 1 nor depthwise, as in ShuffleNet or
// ResNeXt), int8 or float, goes on the crossbar as one block per group:
// exact (int8) or close to float with ideal tiles, noisy with PCM, and its
// array count is the blocks'.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>

#include "engine/analog/analog_config_json.h"
#include "engine/model.h"
#include "tests/support/graph_tests.h"
#include "tests/support/quantized_graphs.h"

namespace aimc {
namespace {

// X[N,4,6,6] -> Q -> DQ -> Conv(group 2, 6 outputs, 3x3) -> Q -> DQ -> Y.
Graph grouped_conv() {
  std::mt19937 rng(8);
  testing::GraphBuilder b("grouped.onnx", {-1, 4, 6, 6});
  b.scale("s", 0.02f);
  b.constant<int8_t>("z", {}, {3});
  b.node("QuantizeLinear", {"X", "s", "z"}, {"xq"});
  b.node("DequantizeLinear", {"xq", "s", "z"}, {"xf"});
  b.constant<int8_t>("w", {6, 2, 3, 3}, testing::random_int8(108, rng));
  b.constant<float>("ws", {6}, {0.004f, 0.006f, 0.005f, 0.003f, 0.007f, 0.0045f});
  b.constant<int8_t>("wz", {6}, {0});
  b.node("DequantizeLinear", {"w", "ws", "wz"}, {"wf"}, {{"axis", int64_t{0}}});
  b.node("Conv", {"xf", "wf"}, {"c"},
         {{"group", int64_t{2}}, {"pads", std::vector<int64_t>{1, 1, 1, 1}}});
  b.scale("so", 0.03f);
  b.constant<int8_t>("zo", {}, {-5});
  b.node("QuantizeLinear", {"c", "so", "zo"}, {"cq"});
  b.node("DequantizeLinear", {"cq", "so", "zo"}, {"Y"});
  return b.finish("Y");
}

ModelOptions analog(const std::string& preset) {
  ModelOptions o;
  o.mode = ExecMode::kAnalog;
  o.analog = analog_preset(preset);
  return o;
}

Tensor input(int n) {
  std::mt19937 rng(9);
  return testing::random_tensor({n, 4, 6, 6}, rng, -2.f, 2.f);
}

TEST(AnalogGroupedConv, OneBlockPerGroupEqualsDigitalOnIdealTiles) {
  const Model a = Model::from_graph(grouped_conv(), analog("ideal"));
  const Node* conv = nullptr;
  for (const Node& n : a.graph().nodes)
    if (n.op_type == "QConv") conv = &n;
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->placement.unit, Unit::kArrays);
  EXPECT_EQ(conv->placement.arrays, 2);  // two 18x3 blocks on 256x256 tiles
  const Tensor x = input(2);
  EXPECT_TRUE(testing::same_bits(a.run({x}).outputs.at(0),
                                 Model::from_graph(grouped_conv()).run({x}).outputs.at(0)));
}

TEST(AnalogGroupedConv, PcmDevicesChangeIt) {
  Model a = Model::from_graph(grouped_conv(), analog("ima-paper"));
  a.calibrate({input(3)});
  const Tensor x = input(2);
  EXPECT_FALSE(testing::same_bits(a.run({x}).outputs.at(0),
                                  Model::from_graph(grouped_conv()).run({x}).outputs.at(0)));
}

// Converters and weights fine enough that only a mix-up of blocks shows.
ModelOptions fine_converters() {
  ModelOptions o;
  o.mode = ExecMode::kAnalog;
  o.analog.dac.bits = 16;
  o.analog.adc_bits = 28;
  o.analog.weight_bits = 16;
  return o;
}

float largest_difference(const Tensor& a, const Tensor& b) {
  float worst = 0;
  for (int64_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, std::fabs(a.data<float>()[i] - b.data<float>()[i]));
  return worst;
}

// X[N,4,5,5] -> Conv(float, group 2, 6 outputs, 3x3, bias) -> Y.
Graph float_grouped_conv() {
  std::mt19937 rng(11);
  testing::GraphBuilder b("float_grouped.onnx", {-1, 4, 5, 5});
  std::vector<float> w(6 * 2 * 3 * 3);
  std::normal_distribution<float> d(0.f, 0.4f);
  for (float& v : w) v = d(rng);
  b.constant<float>("w", {6, 2, 3, 3}, w);
  b.constant<float>("bias", {6}, {0.1f, -0.2f, 0.3f, 0.f, -0.1f, 0.2f});
  b.node("Conv", {"X", "w", "bias"}, {"Y"},
         {{"group", int64_t{2}}, {"pads", std::vector<int64_t>{1, 1, 1, 1}}});
  return b.finish("Y");
}

const Node& only_conv(const Model& m) {
  for (const Node& n : m.graph().nodes)
    if (n.op_type == "Conv") return n;
  throw std::runtime_error("no Conv");
}

// X[N,6,5,5] -> depthwise Conv(float, 6 channels, 3x3, stride 2, bias) -> Y.
Graph float_depthwise_conv() {
  std::mt19937 rng(14);
  testing::GraphBuilder b("float_depthwise.onnx", {-1, 6, 5, 5});
  std::vector<float> w(6 * 9);
  std::normal_distribution<float> d(0.f, 0.4f);
  for (float& v : w) v = d(rng);
  b.constant<float>("w", {6, 1, 3, 3}, w);
  b.constant<float>("bias", {6}, {0.1f, -0.2f, 0.3f, 0.f, -0.1f, 0.2f});
  b.node("Conv", {"X", "w", "bias"}, {"Y"},
         {{"group", int64_t{6}},
          {"pads", std::vector<int64_t>{1, 1, 1, 1}},
          {"strides", std::vector<int64_t>{2, 2}}});
  return b.finish("Y");
}

TEST(AnalogGroupedConv, FloatDepthwiseConvInCjobBlocksTracksFloat) {
  ModelOptions fine = fine_converters();
  fine.analog.placement.depthwise_cjob = 4;  // blocks of 4 and 2 channels
  const Model a = Model::from_graph(float_depthwise_conv(), fine);
  EXPECT_EQ(only_conv(a).placement.unit, Unit::kCrossbarCjob);
  EXPECT_EQ(only_conv(a).placement.cjob, 4);
  ModelOptions f;
  f.mode = ExecMode::kFloat;
  std::mt19937 rng(15);
  const Tensor x = testing::random_tensor({2, 6, 5, 5}, rng, -1.f, 1.f);
  const Tensor ya = a.run({x}).outputs.at(0);
  const Tensor yf = Model::from_graph(float_depthwise_conv(), f).run({x}).outputs.at(0);
  ASSERT_EQ(ya.shape(), yf.shape());
  const float worst = largest_difference(ya, yf);
  EXPECT_LT(worst, 1e-3f * largest_difference(yf, Tensor(DType::kFloat32, yf.shape())));
  EXPECT_GT(worst, 0.f);
  // Reference and optimized tiles agree bit for bit, with PCM too.
  ModelOptions o = analog("aihwkit-standard");
  o.analog.adc_range = AdcRangeMode::kMax;
  o.analog.placement.depthwise_cjob = 4;
  const Tensor optimized = Model::from_graph(float_depthwise_conv(), o).run({x}).outputs.at(0);
  o.kernels.flavor = KernelFlavor::kReference;
  EXPECT_TRUE(testing::same_bits(
      Model::from_graph(float_depthwise_conv(), o).run({x}).outputs.at(0), optimized));
}

TEST(AnalogGroupedConv, FloatConvGoesOnTilesOneBlockPerGroupAndTracksFloat) {
  const ModelOptions fine = fine_converters();
  const Model a = Model::from_graph(float_grouped_conv(), fine);
  EXPECT_EQ(only_conv(a).placement.unit, Unit::kArrays);
  EXPECT_EQ(only_conv(a).placement.arrays, 2);
  ModelOptions f;
  f.mode = ExecMode::kFloat;
  const Model digital = Model::from_graph(float_grouped_conv(), f);
  std::mt19937 rng(12);
  const Tensor x5 = testing::random_tensor({2, 4, 5, 5}, rng, -1.f, 1.f);
  const Tensor ya = a.run({x5}).outputs.at(0), yf = digital.run({x5}).outputs.at(0);
  ASSERT_EQ(ya.shape(), yf.shape());
  const float worst = largest_difference(ya, yf);
  EXPECT_LT(worst, 1e-3f * largest_difference(yf, Tensor(DType::kFloat32, yf.shape())));
  EXPECT_GT(worst, 0.f);  // ...but it did run on the tiles
}

TEST(AnalogGroupedConv, FloatConvReferenceAndOptimizedTilesAgreeAndPcmChangesIt) {
  ModelOptions o = analog("aihwkit-standard");
  o.analog.adc_range = AdcRangeMode::kMax;
  std::mt19937 rng(13);
  const Tensor x = testing::random_tensor({2, 4, 5, 5}, rng, -1.f, 1.f);
  const Tensor optimized = Model::from_graph(float_grouped_conv(), o).run({x}).outputs.at(0);
  o.kernels.flavor = KernelFlavor::kReference;
  EXPECT_TRUE(testing::same_bits(Model::from_graph(float_grouped_conv(), o).run({x}).outputs.at(0),
                                 optimized));
  ModelOptions f;
  f.mode = ExecMode::kFloat;
  EXPECT_FALSE(testing::same_bits(Model::from_graph(float_grouped_conv(), f).run({x}).outputs.at(0),
                                  optimized));
}

}  // namespace
}  // namespace aimc
