// Weights with zero points, as ONNX Runtime's quantizer writes QUInt8
// weights: a QDQ model whose Conv, depthwise and grouped Conv, Gemm and
// MatMul weights are uint8 with zero points near 128 is lowered whole, stays
// within one output step per layer of its float definition, has the same
// bits with every kernel flavor and thread count, and on ideal analog tiles
// (codes on the tiles, the zero-point correction beside them) equals digital.
#include <gtest/gtest.h>

#include <random>

#include "engine/analog/analog_config_json.h"
#include "engine/kernel.h"
#include "engine/model.h"
#include "engine/placement.h"
#include "tests/support/graph_tests.h"
#include "tests/support/quantized_graphs.h"

namespace aimc {
namespace {

using testing::GraphBuilder;

std::vector<uint8_t> random_uint8(std::size_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> d(0, 255);
  std::vector<uint8_t> v(n);
  for (auto& x : v) x = static_cast<uint8_t>(d(rng));
  return v;
}

// Zero points in [120, 140], one per channel (or one for the tensor).
std::vector<uint8_t> zero_points(std::size_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> d(120, 140);
  std::vector<uint8_t> v(n);
  for (auto& x : v) x = static_cast<uint8_t>(d(rng));
  return v;
}

struct Builder {
  GraphBuilder b;
  std::mt19937 rng{31};
  std::string x = "X";
  int layer = 0;

  // x -> Q -> DQ with a uint8 activation quantization (zero point zp).
  void requantize(float s, int zp) {
    const std::string l = std::to_string(layer++);
    b.scale("s" + l, s);
    b.constant<uint8_t>("z" + l, {}, {static_cast<uint8_t>(zp)});
    b.node("QuantizeLinear", {x, "s" + l, "z" + l}, {"q" + l});
    b.node("DequantizeLinear", {"q" + l, "s" + l, "z" + l}, {"d" + l});
    x = "d" + l;
  }
  // A uint8 weight with `per` zero points and scales along `axis`.
  std::string weight(Shape shape, int per, int64_t axis, float scale) {
    const std::string l = std::to_string(layer++);
    int64_t size = 1;
    for (int64_t d : shape) size *= d;
    b.constant<uint8_t>("w" + l, shape, random_uint8(size, rng));
    const Shape ps = per == 1 ? Shape{} : Shape{per};
    b.constant<uint8_t>("wz" + l, ps, zero_points(per, rng));
    std::vector<float> s(per);
    for (int i = 0; i < per; ++i) s[i] = scale * (1 + 0.1f * (i % 5));
    b.constant<float>("ws" + l, ps, s);
    b.node("DequantizeLinear", {"w" + l, "ws" + l, "wz" + l}, {"wf" + l}, {{"axis", axis}});
    return "wf" + l;
  }
  void op(const std::string& type, std::vector<std::string> in,
          std::map<std::string, AttrValue> attrs = {}) {
    const std::string out = type + std::to_string(layer++);
    in.insert(in.begin(), x);
    b.node(type, in, {out}, std::move(attrs));
    x = out;
  }
};

const std::vector<int64_t> kPad1{1, 1, 1, 1};

// X[N,4,7,7] -> Conv 3x3 pad 1 stride 2 (per-channel zero points) -> Relu ->
// depthwise 3x3 (per tensor) -> grouped 1x1 (group 2) -> GlobalAveragePool ->
// Flatten -> Gemm (transB, per channel) -> MatMul (per column) -> Y[N,3];
// every activation uint8 and requantized.
Graph asymmetric_cnn() {
  Builder m{GraphBuilder("asymmetric.onnx", {-1, 4, 7, 7})};
  m.requantize(1.f / 64, 128);
  m.op("Conv", {m.weight({6, 4, 3, 3}, 6, 0, 0.004f)},
       {{"pads", kPad1}, {"strides", std::vector<int64_t>{2, 2}}});
  m.op("Relu", {});
  m.requantize(0.03f, 0);
  m.op("Conv", {m.weight({6, 1, 3, 3}, 1, 0, 0.01f)}, {{"pads", kPad1}, {"group", int64_t{6}}});
  m.requantize(0.05f, 131);
  m.op("Conv", {m.weight({8, 3, 1, 1}, 8, 0, 0.006f)}, {{"group", int64_t{2}}});
  m.requantize(0.04f, 125);
  m.op("GlobalAveragePool", {});
  m.requantize(0.02f, 125);
  m.op("Flatten", {});
  m.requantize(0.02f, 125);
  m.op("Gemm", {m.weight({5, 8}, 5, 0, 0.005f)}, {{"transB", int64_t{1}}});
  m.requantize(0.01f, 129);
  m.op("MatMul", {m.weight({5, 3}, 3, 1, 0.008f)});
  m.requantize(0.05f, 127);
  return m.b.finish(m.x);
}

Tensor images(int n) {
  std::mt19937 rng(4);
  return testing::random_tensor({n, 4, 7, 7}, rng, -1.9f, 1.9f);
}

ModelOptions mode(ExecMode m) {
  ModelOptions o;
  o.mode = m;
  return o;
}

TEST(AsymmetricWeights, Uint8WeightsWithZeroPointsAreLoweredWhole) {
  const Model m = Model::from_graph(asymmetric_cnn(), mode(ExecMode::kDigital));
  EXPECT_TRUE(m.float_nodes().empty());
  int convs = 0, gemms = 0;
  for (const Node& n : m.graph().nodes) {
    EXPECT_TRUE(is_internal_op(n.op_type)) << n.label();
    convs += n.op_type == "QConv";
    gemms += n.op_type == "QGemm";
  }
  EXPECT_EQ(convs, 3);
  EXPECT_EQ(gemms, 2);
}

TEST(AsymmetricWeights, DigitalIsWithinOneStepPerLayerOfTheFloatDefinition) {
  const Tensor x = images(3);
  const Tensor d = Model::from_graph(asymmetric_cnn()).run({x}).outputs.at(0);
  const Tensor f = Model::from_graph(asymmetric_cnn(), mode(ExecMode::kFloat)).run({x}).outputs[0];
  // Seven requantized layers after the input, each within one step (whose
  // differences the later layers carry on, scaled by their gains).
  EXPECT_LE(testing::max_steps_apart(d, f, 0.05f), 7.0);
  EXPECT_GT(testing::max_steps_apart(f, Tensor(DType::kFloat32, f.shape()), 0.05f), 5.0);
}

// X[N,5,6,6] -> Conv 3x3 pad 1 (per-channel zero points) -> Y, or
// X[N,5] -> Gemm (per-tensor zero point) -> Y: one requantized layer.
Graph one_layer(bool conv) {
  Builder m{GraphBuilder("one.onnx", conv ? Shape{-1, 5, 6, 6} : Shape{-1, 40})};
  m.requantize(1.f / 64, 128);
  if (conv) {
    m.op("Conv", {m.weight({7, 5, 3, 3}, 7, 0, 0.004f)}, {{"pads", kPad1}});
  } else {
    m.op("Gemm", {m.weight({6, 40}, 1, 1, 0.004f)}, {{"transB", int64_t{1}}});
  }
  m.requantize(0.02f, 126);
  return m.b.finish(m.x);
}

TEST(AsymmetricWeights, OneLayerIsWithinOneOutputStepOfFloat) {
  std::mt19937 rng(5);
  for (bool conv : {true, false}) {
    const Tensor x = conv ? testing::random_tensor({3, 5, 6, 6}, rng, -2.f, 2.f)
                          : testing::random_tensor({3, 40}, rng, -2.f, 2.f);
    const Model digital = Model::from_graph(one_layer(conv));
    EXPECT_TRUE(digital.float_nodes().empty());
    const Tensor d = digital.run({x}).outputs.at(0);
    const Tensor f = Model::from_graph(one_layer(conv), mode(ExecMode::kFloat)).run({x}).outputs[0];
    EXPECT_LE(testing::max_steps_apart(d, f, 0.02f), 1.0) << (conv ? "conv" : "gemm");
  }
}

TEST(AsymmetricWeights, ReferenceAndOptimizedKernelsAgreeAtAnyThreadCount) {
  const Tensor x = images(3);
  ModelOptions ref = mode(ExecMode::kDigital);
  ref.kernels.flavor = KernelFlavor::kReference;
  const Tensor want = Model::from_graph(asymmetric_cnn(), ref).run({x}).outputs.at(0);
  const Model fast = Model::from_graph(asymmetric_cnn());
  for (int threads : {1, 2, 3})
    EXPECT_TRUE(testing::same_bits(fast.run({x}, RunContext{threads, 0}).outputs.at(0), want))
        << threads << " threads";
}

TEST(AsymmetricWeights, IdealAnalogTilesEqualDigital) {
  const Tensor x = images(3);
  const Tensor want = Model::from_graph(asymmetric_cnn()).run({x}).outputs.at(0);
  for (int cjob : {0, 4}) {
    for (KernelFlavor flavor : {KernelFlavor::kOptimized, KernelFlavor::kReference}) {
      ModelOptions o = mode(ExecMode::kAnalog);
      o.analog = analog_preset("ideal");
      o.analog.placement.depthwise_cjob = cjob;
      o.kernels.flavor = flavor;
      const Model a = Model::from_graph(asymmetric_cnn(), o);
      int on_tiles = 0;
      for (const Node& n : a.graph().nodes) on_tiles += on_crossbar(n.placement.unit);
      EXPECT_EQ(on_tiles, cjob ? 5 : 4);  // the depthwise conv in C_job blocks or not
      EXPECT_TRUE(testing::same_bits(a.run({x}, RunContext{2, 0}).outputs.at(0), want))
          << "cjob " << cjob << " flavor " << static_cast<int>(flavor);
    }
  }
}

TEST(AsymmetricWeights, PcmTilesChangeIt) {
  ModelOptions o = mode(ExecMode::kAnalog);
  o.analog = analog_preset("ima-paper");
  Model a = Model::from_graph(asymmetric_cnn(), o);
  a.calibrate({images(2)});
  const Tensor x = images(2);
  EXPECT_FALSE(testing::same_bits(a.run({x}).outputs.at(0),
                                  Model::from_graph(asymmetric_cnn()).run({x}).outputs.at(0)));
}

TEST(AsymmetricWeights, ABiasWithAZeroPointStaysFloat) {
  GraphBuilder b("bias_zp.onnx", {-1, 3, 4, 4});
  b.scale("s", 0.02f);
  b.constant<int8_t>("z", {}, {0});
  b.node("QuantizeLinear", {"X", "s", "z"}, {"xq"});
  b.node("DequantizeLinear", {"xq", "s", "z"}, {"xf"});
  std::mt19937 rng(2);
  b.constant<int8_t>("w", {2, 3, 1, 1}, testing::random_int8(6, rng));
  b.scale("ws", 0.01f);
  b.constant<int8_t>("wz", {}, {5});
  b.node("DequantizeLinear", {"w", "ws", "wz"}, {"wf"});
  b.constant<int32_t>("bias", {2}, {10, -10});
  b.scale("bs", 0.0002f);
  b.constant<int32_t>("bz", {}, {1});
  b.node("DequantizeLinear", {"bias", "bs", "bz"}, {"bf"});
  b.node("Conv", {"xf", "wf", "bf"}, {"c"});
  b.node("QuantizeLinear", {"c", "s", "z"}, {"cq"});
  b.node("DequantizeLinear", {"cq", "s", "z"}, {"Y"});
  ModelOptions o = mode(ExecMode::kDigital);
  o.allow_float = true;
  const Model m = Model::from_graph(b.finish("Y"), o);
  bool conv_in_float = false;
  for (const std::string& name : m.float_nodes()) conv_in_float |= name.rfind("Conv_", 0) == 0;
  EXPECT_TRUE(conv_in_float);
}

}  // namespace
}  // namespace aimc
