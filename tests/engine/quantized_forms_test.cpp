// The int8 forms people ship: QDQ with uint8 or int8 activations, the
// QOperator form (ONNX's QLinearConv/QLinearMatMul and ONNX Runtime's
// com.microsoft ops), and the honest modes that refuse to run a quantized
// model's node in float unless asked.
#include <gtest/gtest.h>

#include <random>

#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "engine/kernel.h"
#include "engine/model.h"
#include "tests/support/graph_tests.h"
#include "tests/support/quantized_graphs.h"

namespace aimc {
namespace {

using testing::GraphBuilder;

// Zero points of a model written with uint8 activations, or the same
// model with int8 ones (every zero point 128 lower).
struct ActivationType {
  bool is_unsigned;
  std::string zero_point(GraphBuilder& b, const std::string& name, int u8_zero) const {
    if (is_unsigned) return b.constant<uint8_t>(name, {}, {static_cast<uint8_t>(u8_zero)});
    return b.constant<int8_t>(name, {}, {static_cast<int8_t>(u8_zero - 128)});
  }
};

// X[N,3,8,8] -> Q -> DQ -> Conv(per-channel int8 weights, int32 bias) ->
// Relu -> Q -> DQ -> GlobalAveragePool -> Q -> DQ -> Flatten -> Q -> DQ ->
// Gemm -> Q -> DQ -> Y[N,5]; optionally a Softmax after it.
Graph qdq_cnn(ActivationType t, bool with_softmax = false) {
  std::mt19937 rng(7);
  GraphBuilder b("qdq_cnn.onnx", {-1, 3, 8, 8});
  b.scale("s_in", 1.f / 64);
  const std::string z_in = t.zero_point(b, "z_in", 128);
  b.node("QuantizeLinear", {"X", "s_in", z_in}, {"xq"});
  b.node("DequantizeLinear", {"xq", "s_in", z_in}, {"xf"});
  b.constant<int8_t>("w", {4, 3, 3, 3}, testing::random_int8(108, rng));
  b.constant<float>("w_s", {4}, {0.011f, 0.007f, 0.013f, 0.009f});
  b.constant<int8_t>("w_z", {4}, {0});
  b.node("DequantizeLinear", {"w", "w_s", "w_z"}, {"wf"}, {{"axis", int64_t{0}}});
  b.constant<int32_t>("bias", {4}, testing::random_int32(4, rng, 300));
  b.constant<float>("bias_s", {4}, {0.011f / 64, 0.007f / 64, 0.013f / 64, 0.009f / 64});
  b.node("DequantizeLinear", {"bias", "bias_s"}, {"bf"}, {{"axis", int64_t{0}}});
  b.node("Conv", {"xf", "wf", "bf"}, {"conv"}, {{"pads", std::vector<int64_t>{1, 1, 1, 1}}});
  b.node("Relu", {"conv"}, {"relu"});
  b.scale("s_c", 0.02f);
  const std::string z_c = t.zero_point(b, "z_c", 0);
  b.node("QuantizeLinear", {"relu", "s_c", z_c}, {"cq"});
  b.node("DequantizeLinear", {"cq", "s_c", z_c}, {"cf"});
  b.node("GlobalAveragePool", {"cf"}, {"gap"});
  b.node("QuantizeLinear", {"gap", "s_c", z_c}, {"gq"});
  b.node("DequantizeLinear", {"gq", "s_c", z_c}, {"gf"});
  b.node("Flatten", {"gf"}, {"flat"});
  b.node("QuantizeLinear", {"flat", "s_c", z_c}, {"fq"});
  b.node("DequantizeLinear", {"fq", "s_c", z_c}, {"ff"});
  b.constant<int8_t>("fc", {5, 4}, testing::random_int8(20, rng));
  b.scale("fc_s", 0.01f, {1});  // a per-tensor scale of shape [1]
  b.node("DequantizeLinear", {"fc", "fc_s"}, {"fcf"});
  b.node("Gemm", {"ff", "fcf"}, {"logits"}, {{"transB", int64_t{1}}});
  b.scale("s_out", 0.05f);
  const std::string z_out = t.zero_point(b, "z_out", 120);
  b.node("QuantizeLinear", {"logits", "s_out", z_out}, {"oq"});
  b.node("DequantizeLinear", {"oq", "s_out", z_out}, {"Y0"});
  if (!with_softmax) return b.finish("Y0");
  b.node("Softmax", {"Y0"}, {"Y"});
  return b.finish("Y");
}

Tensor image_batch(int n) {
  std::mt19937 rng(3);
  return testing::random_tensor({n, 3, 8, 8}, rng, -1.5f, 1.9f);
}

ModelOptions mode(ExecMode m) {
  ModelOptions o;
  o.mode = m;
  return o;
}

std::string refusal(const Graph& g, const ModelOptions& o) {
  try {
    Model::from_graph(g, o);
  } catch (const BadInput& e) {
    return e.what();
  }
  return "<no BadInput thrown>";
}

TEST(Uint8Qdq, RunsWhollyOnTheIntegerPath) {
  const Model m = Model::from_graph(qdq_cnn({true}), mode(ExecMode::kDigital));
  EXPECT_TRUE(m.float_nodes().empty());
  for (const Node& n : m.graph().nodes) EXPECT_TRUE(is_internal_op(n.op_type)) << n.label();
}

TEST(Uint8Qdq, EqualsTheSameModelWithInt8Activations) {
  const Tensor x = image_batch(3);
  const Tensor u = Model::from_graph(qdq_cnn({true})).run({x}).outputs.at(0);
  const Tensor s = Model::from_graph(qdq_cnn({false})).run({x}).outputs.at(0);
  EXPECT_TRUE(testing::same_bits(u, s));
}

TEST(Uint8Qdq, DigitalIsWithinOneStepPerLayerOfTheFloatDefinition) {
  const Tensor x = image_batch(4);
  const Tensor d = Model::from_graph(qdq_cnn({true})).run({x}).outputs.at(0);
  const Tensor f =
      Model::from_graph(qdq_cnn({true}), mode(ExecMode::kFloat)).run({x}).outputs.at(0);
  // Four requantized layers, each within one step of float rounding.
  EXPECT_LE(testing::max_steps_apart(d, f, 0.05f), 4.0);
  EXPECT_GT(testing::max_steps_apart(d, Tensor(DType::kFloat32, d.shape()), 0.05f), 1.0);
}

TEST(HonestModes, AQuantizedModelsFloatNodeIsRefusedNamingIt) {
  for (ExecMode m : {ExecMode::kDigital, ExecMode::kAnalog}) {
    const std::string why = refusal(qdq_cnn({true}, true), mode(m));
    EXPECT_NE(why.find("Softmax_"), std::string::npos) << why;
    EXPECT_NE(why.find("--allow-float"), std::string::npos) << why;
  }
}

TEST(HonestModes, AllowedFloatIslandsAreListed) {
  ModelOptions o = mode(ExecMode::kDigital);
  o.allow_float = true;
  const Model m = Model::from_graph(qdq_cnn({true}, true), o);
  ASSERT_EQ(m.float_nodes().size(), 1u);
  EXPECT_EQ(m.float_nodes()[0].rfind("Softmax_", 0), 0u);
  const Tensor y = m.run({image_batch(2)}).outputs.at(0);
  EXPECT_NEAR(y.data<float>()[0] + y.data<float>()[1] + y.data<float>()[2] + y.data<float>()[3] +
                  y.data<float>()[4],
              1.0, 1e-5);
}

TEST(HonestModes, AFloatModelIsRefusedInDigitalModeAndListedInAnalogMode) {
  GraphBuilder b("float.onnx", {-1, 3, 8, 8});
  b.constant<float>("w", {4, 3, 1, 1}, std::vector<float>(12, 0.25f));
  b.node("Conv", {"X", "w"}, {"c"});
  b.node("Relu", {"c"}, {"Y"});
  const Graph g = b.finish("Y");
  const std::string why = refusal(g, mode(ExecMode::kDigital));
  EXPECT_NE(why.find("not quantized"), std::string::npos) << why;
  const Model analog = Model::from_graph(g, mode(ExecMode::kAnalog));
  ASSERT_EQ(analog.float_nodes().size(), 1u);  // the Relu; the Conv is on tiles
  EXPECT_EQ(analog.float_nodes()[0].rfind("Relu_", 0), 0u);
}

}  // namespace
}  // namespace aimc
