// A grouped convolution (neither group 1 nor depthwise, as in ShuffleNet or
// ResNeXt) goes on the crossbar as one block per group: exact with ideal
// tiles, noisy with PCM, and its array count is the blocks'.
#include <gtest/gtest.h>

#include <random>

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

}  // namespace
}  // namespace aimc
