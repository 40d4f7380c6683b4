// PyTorch's eager-mode quantized export (torch.ao.quantization, opset 13):
// uint8 activations behind no-op Casts, biases whose zero point is a Cast of
// a ConstantOfShape, and a quantized nn.ReLU as DQ -> Relu -> Q with the
// parameters of the op before it. The rewrites are exact in float, and the
// integer path takes the whole graph.
#include <gtest/gtest.h>

#include <random>

#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "engine/model.h"
#include "engine/passes/simplify_torch_export.h"
#include "tests/support/graph_tests.h"
#include "tests/support/quantized_graphs.h"

namespace aimc {
namespace {

constexpr int64_t kOnnxUInt8 = 2, kOnnxInt32 = 6;

// q -> Cast(uint8) -> DequantizeLinear, as torch writes every quantized value.
void cast_then_dequantize(testing::GraphBuilder& b, const std::string& q, const std::string& scale,
                          const std::string& zero_point, const std::string& out) {
  b.node("Cast", {q}, {q + "/cast"}, {{"to", kOnnxUInt8}});
  b.node("DequantizeLinear", {q + "/cast", scale, zero_point}, {out});
}

// X [N, 6] -> Q -> Gemm(6 -> 5, int32 bias) -> Q -> DQ -> Relu -> Q -> Y;
// `relu_zero_point` is the Relu's output zero point (torch: the Gemm's, 101).
Graph torch_style_linear_relu(uint8_t relu_zero_point) {
  std::mt19937 rng(3);
  testing::GraphBuilder b("torch_export.onnx", {-1, 6});
  b.scale("s_in", 1.f / 255);
  b.constant<uint8_t>("z_in", {}, {0});
  b.node("QuantizeLinear", {"X", "s_in", "z_in"}, {"xq"});
  cast_then_dequantize(b, "xq", "s_in", "z_in", "xf");
  b.constant<int8_t>("w", {5, 6}, testing::random_int8(30, rng));
  b.scale("s_w", 0.01f, {1});
  b.constant<int8_t>("z_w", {1}, {0});
  b.node("DequantizeLinear", {"w", "s_w", "z_w"}, {"wf"});
  // The bias zero point: Cast(ConstantOfShape([1]) of int64 0) to int32.
  b.constant<int64_t>("bias_len", {1}, {1});
  b.node("ConstantOfShape", {"bias_len"}, {"zeros"}, {{"value", Tensor(DType::kInt64, {1})}});
  b.node("Cast", {"zeros"}, {"z_b"}, {{"to", kOnnxInt32}});
  b.constant<int32_t>("bias", {5}, testing::random_int32(5, rng, 2000));
  b.scale("s_b", 0.01f / 255, {1});
  b.node("DequantizeLinear", {"bias", "s_b", "z_b"}, {"bf"});
  b.node("Gemm", {"xf", "wf", "bf"}, {"g"}, {{"transB", int64_t{1}}});
  b.scale("s_g", 0.004f);
  b.constant<uint8_t>("z_g", {}, {101});
  b.node("QuantizeLinear", {"g", "s_g", "z_g"}, {"gq"});
  cast_then_dequantize(b, "gq", "s_g", "z_g", "gf");
  b.node("Relu", {"gf"}, {"r"});
  b.constant<uint8_t>("z_r", {}, {relu_zero_point});
  b.node("QuantizeLinear", {"r", "s_g", "z_r"}, {"rq"});
  cast_then_dequantize(b, "rq", "s_g", "z_r", "Y");
  return b.finish("Y");
}

ModelOptions with_mode(ExecMode m) {
  ModelOptions o;
  o.mode = m;
  return o;
}

TEST(TorchExport, NoOpCastsGoAndTheRequantizedReluMovesOntoTheGemm) {
  Graph g = torch_style_linear_relu(101);
  const TorchExportRewrites rewrites = simplify_torch_export(g);
  EXPECT_EQ(rewrites.removed_casts, 3);  // the bias zero point's Cast to int32 stays
  EXPECT_EQ(rewrites.merged_relus, 1);
  const int relu = g.consumers("g").at(0);
  EXPECT_EQ(g.nodes[relu].op_type, "Relu");
  EXPECT_EQ(g.nodes[g.consumers(g.nodes[relu].outputs[0]).at(0)].op_type, "QuantizeLinear");
}

TEST(TorchExport, RewritesAreExactInFloat) {
  std::mt19937 rng(8);
  const Tensor x = testing::random_tensor({16, 6}, rng, 0.f, 1.f);
  Graph rewritten = torch_style_linear_relu(101);
  simplify_torch_export(rewritten);
  const Tensor want =
      Model::from_graph(torch_style_linear_relu(101), testing::float_mode()).run({x}).outputs[0];
  const Tensor got = Model::from_graph(rewritten, testing::float_mode()).run({x}).outputs[0];
  EXPECT_TRUE(testing::same_bits(got, want));
  // The Relu clamps at its zero point: some outputs sit there.
  int at_zero = 0;
  for (float v : want.values<float>()) at_zero += v == 0.f;
  EXPECT_GT(at_zero, 0);
}

TEST(TorchExport, DigitalAndIdealAnalogRunItOnIntegerKernelsWithinOneStep) {
  std::mt19937 rng(9);
  const Tensor x = testing::random_tensor({16, 6}, rng, 0.f, 1.f);
  const Tensor want =
      Model::from_graph(torch_style_linear_relu(101), testing::float_mode()).run({x}).outputs[0];
  const Model digital =
      Model::from_graph(torch_style_linear_relu(101), with_mode(ExecMode::kDigital));
  EXPECT_TRUE(digital.float_nodes().empty());
  int integer_gemms = 0;
  for (const Node& n : digital.graph().nodes) integer_gemms += n.op_type == "QGemm";
  EXPECT_EQ(integer_gemms, 1);
  const Tensor got = digital.run({x}).outputs[0];
  EXPECT_LE(testing::max_steps_apart(got, want, 0.004f), 1.0);
  for (float v : got.values<float>()) EXPECT_GE(v, 0.f);
  ModelOptions analog = with_mode(ExecMode::kAnalog);
  analog.analog = analog_preset("ideal");
  const Tensor on_tiles =
      Model::from_graph(torch_style_linear_relu(101), analog).run({x}).outputs[0];
  EXPECT_TRUE(testing::same_bits(on_tiles, got));
}

TEST(TorchExport, AReluThatRequantizesIsRefusedNotRunInFloat) {
  // Another zero point after the Relu: not a clamp of the Gemm's codes.
  try {
    Model::from_graph(torch_style_linear_relu(90), with_mode(ExecMode::kDigital));
    ADD_FAILURE() << "expected a refusal";
  } catch (const BadInput& e) {
    EXPECT_NE(std::string(e.what()).find("(Relu) has no integer form"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace aimc
