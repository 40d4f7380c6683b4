// The QOperator form, one op at a time: each QLinear* op (and QGemm) runs
// on the integer path and stays within one output step of its definition
// (dequantize, compute in float, quantize with rounding half to even),
// which is what ONNX Runtime's kernels compute up to their own float
// rounding. Analog mode with ideal tiles equals digital.
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "engine/kernel.h"
#include "engine/model.h"
#include "engine/onnx_import.h"
#include "tests/support/graph_tests.h"
#include "tests/support/onnx_builder.h"
#include "tests/support/quantized_graphs.h"

namespace aimc {
namespace {

using testing::GraphBuilder;
constexpr float kOutScale = 0.03f;

struct OpCase {
  std::string name;
  Shape input;
  // Adds the op reading "xq" (uint8, scale "s_in", zero point "z_in") and
  // writing "yq" (scale "s_y", zero point "z_y").
  std::function<void(GraphBuilder&)> add;
};
void PrintTo(const OpCase& c, std::ostream* os) { *os << c.name; }

Graph one_op_graph(const OpCase& c) {
  GraphBuilder b(c.name + ".onnx", c.input);
  b.scale("s_in", 0.02f);
  b.constant<uint8_t>("z_in", {}, {131});
  b.scale("s_y", kOutScale);
  b.constant<uint8_t>("z_y", {}, {117});
  b.node("QuantizeLinear", {"X", "s_in", "z_in"}, {"xq"});
  c.add(b);
  b.node("DequantizeLinear", {"yq", "s_y", "z_y"}, {"Y"});
  return b.finish("Y");
}

const std::string kMs = "com.microsoft.";

std::vector<OpCase> op_cases() {
  std::mt19937 rng(11);
  const auto w = testing::random_int8(6 * 4 * 3 * 3, rng);
  const auto fc = testing::random_int8(16 * 8, rng);
  const auto bias = testing::random_int32(8, rng, 2000);
  return {
      {"QLinearConv",
       {-1, 4, 6, 6},
       [=](GraphBuilder& b) {
         b.constant<int8_t>("w", {6, 4, 3, 3}, w);
         b.constant<float>("w_s", {6}, {0.004f, 0.006f, 0.005f, 0.003f, 0.007f, 0.0045f});
         b.constant<int8_t>("w_z", {6}, {0});
         b.constant<int32_t>("b", {6}, bias);
         b.node(
             "QLinearConv", {"xq", "s_in", "z_in", "w", "w_s", "w_z", "s_y", "z_y", "b"}, {"yq"},
             {{"pads", std::vector<int64_t>{1, 1, 1, 1}}, {"strides", std::vector<int64_t>{2, 2}}});
       }},
      {"QLinearMatMul",
       {-1, 16},
       [=](GraphBuilder& b) {
         b.constant<int8_t>("m", {16, 8}, fc);
         b.constant<float>("m_s", {8},
                           {0.01f, 0.012f, 0.008f, 0.011f, 0.009f, 0.01f, 0.013f, 0.007f});
         b.constant<int8_t>("m_z", {8}, {0});
         b.node("QLinearMatMul", {"xq", "s_in", "z_in", "m", "m_s", "m_z", "s_y", "z_y"}, {"yq"});
       }},
      {"QGemm",
       {-1, 16},
       [=](GraphBuilder& b) {
         b.constant<int8_t>("m", {8, 16}, fc);
         b.scale("m_s", 0.01f);
         b.constant<int8_t>("m_z", {}, {0});
         b.constant<int32_t>("c", {8}, bias);
         b.node(kMs + "QGemm", {"xq", "s_in", "z_in", "m", "m_s", "m_z", "c", "s_y", "z_y"}, {"yq"},
                {{"transB", int64_t{1}}, {"alpha", 0.5f}});
       }},
      {"QLinearAddBroadcast",
       {-1, 32},
       [=](GraphBuilder& b) {
         std::vector<uint8_t> k(32);
         for (int i = 0; i < 32; ++i) k[i] = static_cast<uint8_t>(7 * i + 3);
         b.constant<uint8_t>("k", {32}, k);
         b.scale("k_s", 0.015f);
         b.constant<uint8_t>("k_z", {}, {100});
         b.node(kMs + "QLinearAdd", {"xq", "s_in", "z_in", "k", "k_s", "k_z", "s_y", "z_y"},
                {"yq"});
       }},
      {"QLinearMulPerChannelConstant",
       {-1, 3, 4, 4},
       [=](GraphBuilder& b) {
         b.constant<uint8_t>("k", {3, 1, 1}, {40, 200, 150});
         b.scale("k_s", 0.02f);
         b.constant<uint8_t>("k_z", {}, {128});
         b.node(kMs + "QLinearMul", {"xq", "s_in", "z_in", "k", "k_s", "k_z", "s_y", "z_y"},
                {"yq"});
       }},
      {"QLinearAveragePool",
       {-1, 3, 6, 6},
       [=](GraphBuilder& b) {
         b.node(kMs + "QLinearAveragePool", {"xq", "s_in", "z_in", "s_y", "z_y"}, {"yq"},
                {{"kernel_shape", std::vector<int64_t>{2, 2}},
                 {"strides", std::vector<int64_t>{2, 2}}});
       }},
      {"QLinearGlobalAveragePool",
       {-1, 5, 7, 7},
       [=](GraphBuilder& b) {
         b.node(kMs + "QLinearGlobalAveragePool", {"xq", "s_in", "z_in", "s_y", "z_y"}, {"yq"});
       }},
      {"QLinearConcat",
       {-1, 2, 3, 3},
       [=](GraphBuilder& b) {
         b.scale("s_2", 0.05f);
         b.constant<uint8_t>("z_2", {}, {90});
         b.node("QuantizeLinear", {"X", "s_2", "z_2"}, {"xq2"});
         b.node(kMs + "QLinearConcat", {"s_y", "z_y", "xq", "s_in", "z_in", "xq2", "s_2", "z_2"},
                {"yq"}, {{"axis", int64_t{1}}});
       }},
      {"QLinearSigmoid",
       {-1, 40},
       [=](GraphBuilder& b) {
         b.node(kMs + "QLinearSigmoid", {"xq", "s_in", "z_in", "s_y", "z_y"}, {"yq"});
       }},
      {"QLinearLeakyRelu",
       {-1, 40},
       [=](GraphBuilder& b) {
         b.node(kMs + "QLinearLeakyRelu", {"xq", "s_in", "z_in", "s_y", "z_y"}, {"yq"},
                {{"alpha", 0.1f}});
       }},
  };
}

class QOperatorOp : public ::testing::TestWithParam<OpCase> {};

Tensor input_for(const Shape& s, int batch) {
  Shape shape = s;
  shape[0] = batch;
  std::mt19937 rng(5 + batch);
  return testing::random_tensor(shape, rng, -2.6f, 2.5f);
}

TEST_P(QOperatorOp, RunsOnTheIntegerPathWithinOneStepOfItsDefinition) {
  const Graph g = one_op_graph(GetParam());
  ModelOptions digital;
  const Model d = Model::from_graph(g, digital);
  EXPECT_TRUE(d.float_nodes().empty());
  for (const Node& n : d.graph().nodes) EXPECT_TRUE(is_internal_op(n.op_type)) << n.label();
  ModelOptions float_mode;
  float_mode.mode = ExecMode::kFloat;
  const Tensor x = input_for(GetParam().input, 3);
  const Tensor yd = d.run({x}).outputs.at(0);
  const Tensor yf = Model::from_graph(g, float_mode).run({x}).outputs.at(0);
  ASSERT_EQ(yd.shape(), yf.shape());
  EXPECT_LE(testing::max_steps_apart(yd, yf, kOutScale), 1.0 + 1e-4);
}

TEST_P(QOperatorOp, IdealAnalogTilesEqualDigital) {
  const Graph g = one_op_graph(GetParam());
  ModelOptions analog;
  analog.mode = ExecMode::kAnalog;
  analog.analog = analog_preset("ideal");
  const Tensor x = input_for(GetParam().input, 2);
  const Tensor yd = Model::from_graph(g).run({x}).outputs.at(0);
  const Tensor ya = Model::from_graph(g, analog).run({x}).outputs.at(0);
  EXPECT_TRUE(testing::same_bits(yd, ya));
}

INSTANTIATE_TEST_SUITE_P(Ops, QOperatorOp, ::testing::ValuesIn(op_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(QOperator, MatrixProductsGoOnTilesAndPcmDevicesChangeThem) {
  for (const std::string op : {"QLinearConv", "QLinearMatMul", "QGemm"}) {
    OpCase c;
    for (const OpCase& k : op_cases())
      if (k.name == op) c = k;
    const Graph g = one_op_graph(c);
    ModelOptions pcm;
    pcm.mode = ExecMode::kAnalog;
    pcm.analog = analog_preset("ima-paper");
    Model a = Model::from_graph(g, pcm);
    a.calibrate({input_for(c.input, 4)});  // calibration inputs are not the evaluated ones
    int on_tiles = 0;
    for (const Node& n : a.graph().nodes) on_tiles += on_crossbar(n.placement.unit);
    EXPECT_EQ(on_tiles, 1) << op;
    const Tensor x = input_for(c.input, 2);
    EXPECT_FALSE(
        testing::same_bits(Model::from_graph(g).run({x}).outputs.at(0), a.run({x}).outputs.at(0)))
        << op;
  }
}

TEST(QOperator, AMatMulOverASequenceTakesEveryLeadingIndexAsARow) {
  OpCase c;
  for (const OpCase& k : op_cases())
    if (k.name == "QLinearMatMul") c = k;
  c.input = {-1, 5, 16};
  const Graph g = one_op_graph(c);
  const Model m = Model::from_graph(g);
  const Tensor x = input_for(c.input, 2);
  const Tensor y = m.run({x}).outputs.at(0);
  EXPECT_EQ(y.shape(), (Shape{2, 5, 8}));
  ModelOptions float_mode;
  float_mode.mode = ExecMode::kFloat;
  EXPECT_LE(testing::max_steps_apart(y, Model::from_graph(g, float_mode).run({x}).outputs.at(0),
                                     kOutScale),
            1.0 + 1e-4);
}

std::string import_refusal(const onnx::ModelProto& m) {
  try {
    import_onnx_bytes(m.SerializeAsString(), "m.onnx");
  } catch (const BadInput& e) {
    return e.what();
  }
  return "<no BadInput thrown>";
}

TEST(QOperator, OtherMicrosoftOpsAndAimcsInternalOpNamesAreRefusedAtImport) {
  onnx::ModelProto m = testing::single_node_model("FusedConv");
  m.mutable_graph()->mutable_node(0)->set_domain("com.microsoft");
  EXPECT_NE(import_refusal(m).find("unsupported domain 'com.microsoft'"), std::string::npos);
  const std::string internal = import_refusal(testing::single_node_model("QConv"));
  EXPECT_NE(internal.find("not an ONNX operator"), std::string::npos) << internal;
}

}  // namespace
}  // namespace aimc
