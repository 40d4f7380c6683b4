// A model whose graph input is already integer (uint8 pixel codes, or int8)
// read by a DequantizeLinear: the integer path takes the codes as they are
// (uint8 re-expressed as int8 exactly), the input keeps its declared type
// and NCHW shape, and a rank-4 int8 output comes back in NCHW.
#include <gtest/gtest.h>

#include <random>

#include "engine/error.h"
#include "engine/model.h"
#include "tests/support/graph_tests.h"
#include "tests/support/quantized_graphs.h"

namespace aimc {
namespace {

// X (uint8 or int8) [N,3,5,7] -> DQ -> Conv(3x3, 4 outputs) -> Q -> DQ -> Y.
Graph integer_input_conv(DType input_type) {
  std::mt19937 rng(21);
  testing::GraphBuilder b("integer_input.onnx", {-1, 3, 5, 7});
  b.scale("s", 0.02f);
  if (input_type == DType::kUInt8) {
    b.constant<uint8_t>("z", {}, {120});
  } else {
    b.constant<int8_t>("z", {}, {-8});
  }
  b.node("DequantizeLinear", {"X", "s", "z"}, {"xf"});
  b.constant<int8_t>("w", {4, 3, 3, 3}, testing::random_int8(108, rng));
  b.scale("ws", 0.01f);
  b.constant<int8_t>("wz", {}, {0});
  b.node("DequantizeLinear", {"w", "ws", "wz"}, {"wf"});
  b.node("Conv", {"xf", "wf"}, {"c"}, {{"pads", std::vector<int64_t>{1, 1, 1, 1}}});
  b.scale("so", 0.05f);
  b.constant<int8_t>("zo", {}, {3});
  b.node("QuantizeLinear", {"c", "so", "zo"}, {"cq"});
  b.node("DequantizeLinear", {"cq", "so", "zo"}, {"Y"});
  Graph g = b.finish("Y");
  g.values["X"].dtype = input_type;
  return g;
}

Tensor codes(DType type, std::mt19937& rng) {
  Tensor x(type, {2, 3, 5, 7});
  std::uniform_int_distribution<int> d(0, 255);
  for (int64_t i = 0; i < x.size(); ++i) {
    const int v = d(rng);
    if (type == DType::kUInt8) {
      x.data<uint8_t>()[i] = static_cast<uint8_t>(v);
    } else {
      x.data<int8_t>()[i] = static_cast<int8_t>(v - 128);
    }
  }
  return x;
}

ModelOptions mode(ExecMode m) {
  ModelOptions o;
  o.mode = m;
  return o;
}

TEST(IntegerInputs, TakenAsCodesOnTheIntegerPathWithinOneStepOfTheFloatDefinition) {
  for (DType type : {DType::kUInt8, DType::kInt8}) {
    SCOPED_TRACE(dtype_name(type));
    const Model digital = Model::from_graph(integer_input_conv(type), mode(ExecMode::kDigital));
    EXPECT_TRUE(digital.float_nodes().empty());
    const ValueInfo& in = digital.graph().values.at("X");
    EXPECT_EQ(in.dtype, type);  // the file's input, as declared
    EXPECT_EQ(in.shape, (Shape{-1, 3, 5, 7}));
    const Model reference = Model::from_graph(integer_input_conv(type), mode(ExecMode::kFloat));
    std::mt19937 rng(5);
    const Tensor x = codes(type, rng);
    const ModelOutputs got = digital.run({x});
    const Tensor want = reference.run({x}).outputs.at(0);
    EXPECT_LE(testing::max_steps_apart(got.outputs.at(0), want, 0.05f), 1.0);
    // The int8 output in NCHW: the same numbers as the float output.
    const Tensor& q = got.int8_outputs.at(0);
    ASSERT_EQ(q.shape(), want.shape());
    for (int64_t i = 0; i < q.size(); ++i)
      EXPECT_FLOAT_EQ((q.data<int8_t>()[i] - 3) * 0.05f, got.outputs[0].data<float>()[i]) << i;
  }
}

TEST(IntegerInputs, Uint8CodesGiveTheSameOutputsAsTheirInt8Shift) {
  std::mt19937 rng(6);
  const Tensor u = codes(DType::kUInt8, rng);
  Tensor s(DType::kInt8, u.shape());
  for (int64_t i = 0; i < u.size(); ++i)
    s.data<int8_t>()[i] = static_cast<int8_t>(int{u.data<uint8_t>()[i]} - 128);
  // uint8 with zero point 120 is int8 with zero point −8: the same numbers.
  const Tensor from_u8 =
      Model::from_graph(integer_input_conv(DType::kUInt8), mode(ExecMode::kDigital))
          .run({u})
          .outputs.at(0);
  const Tensor from_s8 =
      Model::from_graph(integer_input_conv(DType::kInt8), mode(ExecMode::kDigital))
          .run({s})
          .outputs.at(0);
  EXPECT_TRUE(testing::same_bits(from_u8, from_s8));
}

TEST(IntegerInputs, AFloatTensorForAnIntegerInputIsRefusedNamingTheNode) {
  const Model digital =
      Model::from_graph(integer_input_conv(DType::kUInt8), mode(ExecMode::kDigital));
  Tensor f(DType::kFloat32, {1, 3, 5, 7});
  EXPECT_THROW(digital.run({f}), BadInput);
}

}  // namespace
}  // namespace aimc
