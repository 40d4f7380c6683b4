// Dynamic quantization as ONNX Runtime's quantize_dynamic writes it: the
// float kernels of DynamicQuantizeLinear, MatMulInteger and ConvInteger
// against hand computations, and the lowered pattern (QDynamicGemm,
// QDynamicConv): digital equals float mode bit for bit, ideal analog tiles
// equal digital, PCM devices change the result, and a row's result does
// not depend on the batch around it (when the batch keeps the tensor's
// range: the dynamic scale is per tensor, as ONNX defines it).
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <random>

#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "engine/executor.h"
#include "engine/kernel.h"
#include "engine/model.h"
#include "tests/support/graph_tests.h"
#include "tests/support/quantized_graphs.h"

namespace aimc {
namespace {

using testing::GraphBuilder;

// Runs one node on the given inputs (named I0, I1, ...; "" omitted).
std::vector<Tensor> run_node(const std::string& op, const std::vector<Tensor>& inputs,
                             std::size_t outputs, std::map<std::string, AttrValue> attrs = {}) {
  Graph g;
  g.source = "node_test";
  g.opset = 13;
  Node n{"the_node", op, {}, {}, std::move(attrs)};
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    n.inputs.push_back("I" + std::to_string(i));
    g.inputs.push_back(n.inputs.back());
  }
  for (std::size_t i = 0; i < outputs; ++i) n.outputs.push_back("O" + std::to_string(i));
  g.outputs = n.outputs;
  g.nodes = {n};
  return Executor(g).run(inputs);
}

template <typename T>
Tensor tensor(Shape s, std::vector<T> v) {
  return Tensor::from<T>(std::move(s), std::span<const T>(v));
}

TEST(DynamicQuantizeLinear, FollowsTheOnnxReference) {
  // (2 − (−3)) / 255, zero point round(3 / scale) = 153.
  auto out = run_node("DynamicQuantizeLinear",
                      {tensor<float>({6}, {0.0f, 2.0f, -3.0f, -2.5f, 1.34f, 0.5f})}, 3);
  EXPECT_EQ(out[1].data<float>()[0], 5.0f / 255.0f);
  EXPECT_EQ(out[2].data<uint8_t>()[0], 153);
  const std::vector<uint8_t> want = {153, 255, 0, 26, 221, 179};
  EXPECT_EQ(std::vector<uint8_t>(out[0].values<uint8_t>().begin(), out[0].values<uint8_t>().end()),
            want);
  // All positive: the range starts at 0, zero point 0.
  out = run_node("DynamicQuantizeLinear", {tensor<float>({2}, {1.0f, 4.0f})}, 3);
  EXPECT_EQ(out[1].data<float>()[0], 4.0f / 255.0f);
  EXPECT_EQ(out[2].data<uint8_t>()[0], 0);
  EXPECT_EQ(out[0].data<uint8_t>()[1], 255);
  // An empty range (all zeros): the reference's scale 1/255, everything 0.
  out = run_node("DynamicQuantizeLinear", {tensor<float>({3}, {0.0f, 0.0f, 0.0f})}, 3);
  EXPECT_EQ(out[1].data<float>()[0], 1.0f / 255.0f);
  EXPECT_EQ(out[2].data<uint8_t>()[0], 0);
  EXPECT_EQ(out[0].data<uint8_t>()[2], 0);
}

TEST(MatMulInteger, PerRowAndPerColumnZeroPointsAndBatchBroadcast) {
  // A [2, 2, 3] uint8 with one zero point per row; B [3, 2] int8 with one per column.
  const Tensor a = tensor<uint8_t>({2, 2, 3}, {10, 20, 30, 1, 2, 3, 7, 8, 9, 0, 255, 128});
  const Tensor b = tensor<int8_t>({3, 2}, {1, -2, 3, 4, -5, 6});
  const Tensor za = tensor<uint8_t>({2}, {10, 1});
  const Tensor zb = tensor<int8_t>({2}, {1, -1});
  const Tensor y = run_node("MatMulInteger", {a, b, za, zb}, 1)[0];
  ASSERT_EQ(y.shape(), (Shape{2, 2, 2}));
  // (a − za[row]) · (b − zb[col]) by hand: b − zb = [[0,-1],[2,5],[-6,7]].
  // rows − za: [0,10,20], [0,1,2], [-3,-2,-1], [-1,254,127].
  const std::vector<int32_t> want = {0 * 0 + 10 * 2 + 20 * -6,    0 * -1 + 10 * 5 + 20 * 7,
                                     0 * 0 + 1 * 2 + 2 * -6,      0 * -1 + 1 * 5 + 2 * 7,
                                     -3 * 0 + -2 * 2 + -1 * -6,   -3 * -1 + -2 * 5 + -1 * 7,
                                     -1 * 0 + 254 * 2 + 127 * -6, -1 * -1 + 254 * 5 + 127 * 7};
  EXPECT_EQ(std::vector<int32_t>(y.values<int32_t>().begin(), y.values<int32_t>().end()), want);
  // Without zero points: plain products.
  const Tensor plain = run_node("MatMulInteger", {a, b}, 1)[0];
  EXPECT_EQ(plain.data<int32_t>()[0], 10 * 1 + 20 * 3 + 30 * -5);
}

TEST(ConvInteger, PadsWithTheZeroPointGroupsAndPerChannelWeightZeroPoints) {
  // The ONNX example: padded positions are the zero point, so they add 0.
  const Tensor x = tensor<uint8_t>({1, 1, 3, 3}, {2, 3, 4, 5, 6, 7, 8, 9, 10});
  const Tensor w = tensor<uint8_t>({1, 1, 2, 2}, {1, 1, 1, 1});
  const Tensor y = run_node("ConvInteger", {x, w, tensor<uint8_t>({}, {1})}, 1,
                            {{"pads", std::vector<int64_t>{1, 1, 1, 1}}})[0];
  ASSERT_EQ(y.shape(), (Shape{1, 1, 4, 4}));
  EXPECT_EQ(y.data<int32_t>()[0], 1);   // (2 − 1)
  EXPECT_EQ(y.data<int32_t>()[5], 12);  // (2+3+5+6) − 4
  EXPECT_EQ(y.data<int32_t>()[15], 9);  // (10 − 1)
  // Two groups, int8, weight zero point per output channel, stride 2.
  const Tensor x2 = tensor<int8_t>({1, 2, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9,  //
                                                  -1, -2, -3, -4, -5, -6, -7, -8, -9});
  const Tensor w2 = tensor<int8_t>({2, 1, 1, 1}, {3, 5});
  const Tensor y2 =
      run_node("ConvInteger", {x2, w2, tensor<int8_t>({}, {1}), tensor<int8_t>({2}, {1, 2})}, 1,
               {{"group", int64_t{2}}, {"strides", std::vector<int64_t>{2, 2}}})[0];
  ASSERT_EQ(y2.shape(), (Shape{1, 2, 2, 2}));
  // Channel 0: (x − 1)·(3 − 1) at (0,0),(0,2),(2,0),(2,2); channel 1: (x − 1)·(5 − 2).
  const std::vector<int32_t> want = {0, 4, 12, 16, -6, -12, -24, -30};
  EXPECT_EQ(std::vector<int32_t>(y2.values<int32_t>().begin(), y2.values<int32_t>().end()), want);
}

// Bad inputs are refused naming the node, at load or at run time.
TEST(DynamicQuantizationKernels, BadInputsAreRefusedNamingTheNode) {
  auto refused = [](const std::string& op, const std::vector<Tensor>& inputs,
                    std::map<std::string, AttrValue> attrs = {}) {
    try {
      run_node(op, inputs, op == "DynamicQuantizeLinear" ? 3 : 1, std::move(attrs));
    } catch (const BadInput& e) {
      return std::string(e.what()).find("node 'the_node' (" + op + ")") != std::string::npos;
    }
    return false;
  };
  EXPECT_TRUE(refused("DynamicQuantizeLinear", {tensor<int32_t>({2}, {1, 2})}));
  const Tensor a = tensor<uint8_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_TRUE(refused("MatMulInteger", {a, tensor<int8_t>({2, 2}, {1, 2, 3, 4})}));  // K 3 vs 2
  EXPECT_TRUE(refused("MatMulInteger", {a, tensor<int8_t>({3, 1}, {1, 2, 3}),
                                        tensor<int8_t>({}, {0})}));  // zero point type
  EXPECT_TRUE(
      refused("MatMulInteger", {a, tensor<int8_t>({3, 1}, {1, 2, 3}),
                                tensor<uint8_t>({3}, {0, 0, 0})}));  // 3 zero points, 2 rows
  const Tensor x = tensor<uint8_t>({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  EXPECT_TRUE(refused("ConvInteger", {x, tensor<uint8_t>({1, 1, 1, 1}, {1})}));  // 1 vs 2 channels
  EXPECT_TRUE(
      refused("ConvInteger", {x, tensor<uint8_t>({1, 2, 3, 3}, std::vector<uint8_t>(18, 1))}));
}

// ---- the lowered pattern ------------------------------------------------

// One quantize_dynamic layer reading `in`, writing `out`: x_scale · w_scale
// as its own Mul (ORT's form) or, with `two_muls`, the Cast multiplied by
// x_scale and then by the weight scales.
void dynamic_layer(GraphBuilder& b, const std::string& p, const std::string& in,
                   const std::string& out, const Shape& ws, bool uint8_weights, bool two_muls,
                   const std::string& activation, std::mt19937& rng) {
  const bool conv = ws.size() == 4;
  const int64_t n = conv ? ws[0] : ws[1];
  const auto w = testing::random_int8(static_cast<std::size_t>(element_count(ws)), rng);
  if (uint8_weights) {
    std::vector<uint8_t> u(w.size());
    for (std::size_t i = 0; i < w.size(); ++i) u[i] = static_cast<uint8_t>(w[i] + 128);
    b.constant<uint8_t>(p + "w", ws, u);
    std::vector<uint8_t> z(n);
    for (int64_t j = 0; j < n; ++j) z[j] = static_cast<uint8_t>(120 + 3 * j);
    b.constant<uint8_t>(p + "wz", {n}, z);
  } else {
    b.constant<int8_t>(p + "w", ws, w);
    b.constant<int8_t>(p + "wz", {}, {0});
  }
  std::vector<float> scales(n), bias(n);
  for (int64_t j = 0; j < n; ++j) scales[j] = 0.002f + 0.0007f * j, bias[j] = 0.3f - 0.11f * j;
  b.constant<float>(p + "ws", conv ? Shape{1, n, 1, 1} : Shape{n}, scales);
  b.constant<float>(p + "b", conv ? Shape{1, n, 1, 1} : Shape{n}, bias);
  b.node("DynamicQuantizeLinear", {in}, {p + "xq", p + "xs", p + "xz"});
  std::map<std::string, AttrValue> attrs;
  if (conv)
    attrs = {{"pads", std::vector<int64_t>{1, 1, 1, 1}}, {"strides", std::vector<int64_t>{2, 1}}};
  b.node(conv ? "ConvInteger" : "MatMulInteger", {p + "xq", p + "w", p + "xz", p + "wz"},
         {p + "acc"}, attrs);
  b.node("Cast", {p + "acc"}, {p + "accf"}, {{"to", int64_t{1}}});
  if (two_muls) {
    b.node("Mul", {p + "accf", p + "xs"}, {p + "m1"});
    b.node("Mul", {p + "ws", p + "m1"}, {p + "scaled"});
  } else {
    b.node("Mul", {p + "xs", p + "ws"}, {p + "s"});
    b.node("Mul", {p + "accf", p + "s"}, {p + "scaled"});
  }
  const std::string added = activation.empty() ? out : p + "added";
  b.node("Add", {p + "scaled", p + "b"}, {added});
  if (activation == "Relu") b.node("Relu", {added}, {out});
  if (activation == "Clip") {
    b.scale(p + "lo", -0.5f);
    b.scale(p + "hi", 0.75f);
    b.node("Clip", {added, p + "lo", p + "hi"}, {out});
  }
}

struct Case {
  std::string name;
  Shape input;
  std::function<Graph()> make;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::vector<Case> cases() {
  auto mlp = [](bool uint8_weights, bool two_muls, Shape input) {
    return [=] {
      std::mt19937 rng(3);
      GraphBuilder b("mlp.onnx", input);
      dynamic_layer(b, "l1/", "X", "h", {16, 8}, uint8_weights, two_muls, "Relu", rng);
      dynamic_layer(b, "l2/", "h", "Y", {8, 5}, !uint8_weights, !two_muls, "", rng);
      return b.finish("Y");
    };
  };
  auto conv = [](bool uint8_weights, const std::string& activation) {
    return [=] {
      std::mt19937 rng(4);
      GraphBuilder b("cnn.onnx", {-1, 3, 6, 5});
      dynamic_layer(b, "c/", "X", "Y", {4, 3, 3, 3}, uint8_weights, false, activation, rng);
      return b.finish("Y");
    };
  };
  // Two groups of 2 input channels, 3 outputs each: a block per group on tiles.
  auto grouped = [] {
    std::mt19937 rng(5);
    GraphBuilder b("grouped.onnx", {-1, 4, 6, 5});
    dynamic_layer(b, "g/", "X", "Y", {6, 2, 3, 3}, true, false, "Relu", rng);
    Graph g = b.finish("Y");
    for (Node& n : g.nodes)
      if (n.op_type == "ConvInteger") n.attrs["group"] = int64_t{2};
    return g;
  };
  return {{"MlpInt8ThenUint8Weights", {-1, 16}, mlp(false, false, {-1, 16})},
          {"MlpUint8ThenInt8TwoMuls", {-1, 16}, mlp(true, true, {-1, 16})},
          {"MlpOverASequence", {-1, 4, 16}, mlp(false, true, {-1, 4, 16})},
          {"ConvInt8", {-1, 3, 6, 5}, conv(false, "")},
          {"ConvUint8Clip", {-1, 3, 6, 5}, conv(true, "Clip")},
          {"GroupedConvUint8Relu", {-1, 4, 6, 5}, grouped}};
}

Tensor input_for(const Shape& s, int batch, unsigned seed = 9) {
  Shape shape = s;
  shape[0] = batch;
  std::mt19937 rng(seed + batch);
  return testing::random_tensor(shape, rng, -2.0f, 3.0f);
}

ModelOptions analog(const std::string& preset) {
  ModelOptions o;
  o.mode = ExecMode::kAnalog;
  o.analog = analog_preset(preset);
  return o;
}

class DynamicPattern : public ::testing::TestWithParam<Case> {};

TEST_P(DynamicPattern, DigitalRunsIntegerOpsAndEqualsFloatModeBitForBit) {
  const Graph g = GetParam().make();
  const Model d = Model::from_graph(g);
  EXPECT_TRUE(d.float_nodes().empty());
  int lowered = 0;
  for (const Node& n : d.graph().nodes) {
    lowered += n.op_type.rfind("QDynamic", 0) == 0;
    EXPECT_NE(n.op_type, "DynamicQuantizeLinear");
  }
  EXPECT_GE(lowered, 1);
  for (int batch : {1, 3}) {
    const Tensor x = input_for(GetParam().input, batch);
    const Tensor yd = d.run({x}, RunContext{2}).outputs.at(0);
    const Tensor yf = Model::from_graph(g, testing::float_mode()).run({x}).outputs.at(0);
    EXPECT_TRUE(testing::same_bits(yd, yf)) << "batch " << batch;
    ModelOptions reference;
    reference.kernels.flavor = KernelFlavor::kReference;
    EXPECT_TRUE(testing::same_bits(Model::from_graph(g, reference).run({x}).outputs.at(0), yd));
  }
}

TEST_P(DynamicPattern, IdealAnalogTilesEqualDigitalAndPcmDiffers) {
  const Graph g = GetParam().make();
  const Tensor x = input_for(GetParam().input, 2);
  const Model ideal = Model::from_graph(g, analog("ideal"));
  int on_tiles = 0;
  for (const Node& n : ideal.graph().nodes) on_tiles += on_crossbar(n.placement.unit);
  EXPECT_GE(on_tiles, 1);
  const Tensor yd = Model::from_graph(g).run({x}).outputs.at(0);
  EXPECT_TRUE(testing::same_bits(yd, ideal.run({x}).outputs.at(0)));
  Model pcm = Model::from_graph(g, analog("ima-paper"));
  pcm.calibrate({input_for(GetParam().input, 4, 17)});
  EXPECT_FALSE(testing::same_bits(yd, pcm.run({x}).outputs.at(0)));
}

// The three images are one image repeated, so every layer quantizes batch 1
// and batch 3 with the same scale (it is per tensor); analog noise is keyed
// by the image index, so the repeats differ from each other on PCM tiles,
// and each equals its image run alone.
TEST_P(DynamicPattern, ARowDoesNotDependOnTheBatchAroundIt) {
  const Graph g = GetParam().make();
  Tensor x = input_for(GetParam().input, 3);
  const int64_t per_image = x.size() / 3;
  for (int b = 1; b < 3; ++b)
    std::copy_n(x.data<float>(), per_image, x.data<float>() + b * per_image);
  Model pcm = Model::from_graph(g, analog("ima-paper"));
  pcm.calibrate({input_for(GetParam().input, 4, 17)});
  const Model digital = Model::from_graph(g);
  const Tensor all_d = digital.run({x}).outputs.at(0);
  const Tensor all_a = pcm.run({x}).outputs.at(0);
  const int64_t out_per_image = all_d.size() / 3;
  for (int b = 0; b < 3; ++b) {
    Shape one = x.shape();
    one[0] = 1;
    Tensor row(DType::kFloat32, one);
    std::copy_n(x.data<float>() + b * per_image, per_image, row.data<float>());
    RunContext ctx;
    ctx.first_image = b;
    const Tensor yd = digital.run({row}, ctx).outputs.at(0);
    const Tensor ya = pcm.run({row}, ctx).outputs.at(0);
    EXPECT_EQ(0, std::memcmp(yd.data<float>(), all_d.data<float>() + b * out_per_image,
                             out_per_image * sizeof(float)));
    EXPECT_EQ(0, std::memcmp(ya.data<float>(), all_a.data<float>() + b * out_per_image,
                             out_per_image * sizeof(float)));
  }
}

INSTANTIATE_TEST_SUITE_P(Graphs, DynamicPattern, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });

TEST(DynamicPattern, AnUnmatchedChainIsRefusedInDigitalModeAndRunsInFloatMode) {
  // B is not a constant: MatMulInteger stays a float node.
  GraphBuilder b("two_inputs.onnx", {-1, 4});
  b.node("DynamicQuantizeLinear", {"X"}, {"xq", "xs", "xz"});
  b.node("Transpose", {"xq"}, {"xt"});
  b.node("MatMulInteger", {"xt", "xq", "", "xz"}, {"acc"});
  b.node("Cast", {"acc"}, {"Y"}, {{"to", int64_t{1}}});
  const Graph g = b.finish("Y");
  try {
    Model::from_graph(g);
    ADD_FAILURE() << "digital mode accepted a float MatMulInteger";
  } catch (const BadInput& e) {
    EXPECT_NE(std::string(e.what()).find("would run in float"), std::string::npos) << e.what();
  }
  const Tensor y =
      Model::from_graph(g, testing::float_mode()).run({input_for({-1, 4}, 3)}).outputs.at(0);
  EXPECT_EQ(y.shape(), (Shape{4, 4}));
}

}  // namespace
}  // namespace aimc
