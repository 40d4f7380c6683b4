// Static shape/dtype inference: one small graph per op family, the
// contradictions it must refuse (BadInput naming the node), agreement with
// declared shapes, and the MobileNetV2 models end to end.
#include "engine/passes/infer_shapes.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/error.h"
#include "engine/onnx_import.h"
#include "support/shared_data.h"

namespace aimc {
namespace {

constexpr int64_t U = -1;  // unknown dim

// Builds graphs node by node; values not declared as inputs or initializers
// are left for infer_shapes.
class Builder {
 public:
  Builder() {
    g_.source = "shape_test";
    g_.opset = 13;
  }

  Builder& input(const std::string& name, Shape shape, DType dtype = DType::kFloat32) {
    g_.inputs.push_back(name);
    g_.values[name] = ValueInfo{dtype, std::move(shape), std::nullopt, false};
    return *this;
  }
  Builder& output(const std::string& name, Shape shape, DType dtype = DType::kFloat32) {
    g_.outputs.push_back(name);
    g_.values[name] = ValueInfo{dtype, std::move(shape), std::nullopt, false};
    return *this;
  }
  // A zero-filled constant of the given shape.
  Builder& init(const std::string& name, Shape shape, DType dtype = DType::kFloat32) {
    g_.initializers[name] = Tensor(dtype, std::move(shape));
    return *this;
  }
  Builder& ints(const std::string& name, const std::vector<int64_t>& v) {
    g_.initializers[name] = Tensor::from<int64_t>({static_cast<int64_t>(v.size())}, v);
    return *this;
  }
  Node& node(const std::string& op, std::vector<std::string> inputs,
             std::vector<std::string> outputs = {"Y"}) {
    g_.nodes.push_back(Node{op + "_node", op, std::move(inputs), std::move(outputs), {}});
    return g_.nodes.back();
  }
  Graph& graph() { return g_; }

 private:
  Graph g_;
};

Shape shape_of(Graph& g, const std::string& value = "Y") {
  infer_shapes(g);
  auto it = g.values.find(value);
  EXPECT_NE(it, g.values.end()) << "no shape for '" << value << "'";
  return it == g.values.end() ? Shape{-99} : it->second.shape;
}

// Runs infer_shapes expecting a refusal that names the node and the problem.
void expect_refusal(Graph& g, const std::string& node, const std::string& fragment) {
  try {
    infer_shapes(g);
    ADD_FAILURE() << "no BadInput for " << node;
  } catch (const BadInput& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'" + node + "'"), std::string::npos) << what;
    EXPECT_NE(what.find(fragment), std::string::npos) << what;
  }
}

// ---- Conv --------------------------------------------------------------------------

TEST(InferShapes, ConvStridePadAndBias) {
  Builder b;
  b.input("X", {U, 3, 224, 224}).init("W", {32, 3, 3, 3}).init("B", {32});
  auto& n = b.node("Conv", {"X", "W", "B"});
  n.attrs["strides"] = std::vector<int64_t>{2, 2};
  n.attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  EXPECT_EQ(shape_of(b.graph()), (Shape{U, 32, 112, 112}));
  EXPECT_EQ(b.graph().values.at("Y").dtype, DType::kFloat32);
}

TEST(InferShapes, ConvDepthwiseGroupAndDilation) {
  Builder b;
  b.input("X", {2, 8, 10, 12}).init("W", {8, 1, 3, 3});
  auto& n = b.node("Conv", {"X", "W"});
  n.attrs["group"] = int64_t{8};
  n.attrs["dilations"] = std::vector<int64_t>{2, 1};  // extent 5 x 3
  EXPECT_EQ(shape_of(b.graph()), (Shape{2, 8, 6, 10}));
}

TEST(InferShapes, ConvAutoPad) {
  for (const auto& [mode, expected] : std::vector<std::pair<std::string, int64_t>>{
           {"SAME_UPPER", 4}, {"SAME_LOWER", 4}, {"VALID", 3}, {"NOTSET", 3}}) {
    Builder b;
    b.input("X", {1, 1, 7, 7}).init("W", {4, 1, 3, 3});
    auto& n = b.node("Conv", {"X", "W"});
    n.attrs["strides"] = std::vector<int64_t>{2, 2};
    n.attrs["auto_pad"] = mode;
    EXPECT_EQ(shape_of(b.graph()), (Shape{1, 4, expected, expected})) << mode;
  }
}

TEST(InferShapes, Conv1DAnd3D) {
  Builder b;
  b.input("X", {1, 2, 9})
      .init("W", {5, 2, 3})
      .input("X3", {1, 2, 4, 5, 6})
      .init("W3", {3, 2, 1, 2, 3});
  b.node("Conv", {"X", "W"});
  b.node("Conv", {"X3", "W3"}, {"Y3"}).name = "conv3";
  EXPECT_EQ(shape_of(b.graph()), (Shape{1, 5, 7}));
  EXPECT_EQ(shape_of(b.graph(), "Y3"), (Shape{1, 3, 4, 4, 4}));
}

TEST(InferShapes, ConvKernelShapeWithUnknownWeight) {
  Builder b;
  b.input("X", {1, 4, 8, 8}).input("Wsrc", {});  // weight of unknown rank
  b.node("Mystery", {"Wsrc"}, {"W"});
  auto& n = b.node("Conv", {"X", "W"});
  n.attrs["kernel_shape"] = std::vector<int64_t>{3, 3};
  EXPECT_EQ(shape_of(b.graph()), (Shape{1, U, 6, 6}));
}

TEST(InferShapes, ConvRefusals) {
  {
    Builder b;
    b.input("X", {1, 6, 8, 8}).init("W", {4, 4, 3, 3});
    b.node("Conv", {"X", "W"}).attrs["group"] = int64_t{2};
    expect_refusal(b.graph(), "Conv_node", "input channels");
  }
  {
    Builder b;
    b.input("X", {1, 6}).init("W", {4, 6, 1, 1});
    b.node("Conv", {"X", "W"});
    expect_refusal(b.graph(), "Conv_node", "rank 3 to 5");
  }
  {
    Builder b;
    b.input("X", {1, 3, 4, 4}).init("W", {4, 3, 7, 7});
    b.node("Conv", {"X", "W"}).attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
    expect_refusal(b.graph(), "Conv_node", "larger than the padded input");
  }
  {
    Builder b;
    b.input("X", {1, 3, 8, 8}).init("W", {4, 3, 3, 3}).init("B", {5});
    b.node("Conv", {"X", "W", "B"});
    expect_refusal(b.graph(), "Conv_node", "bias");
  }
  {
    Builder b;
    b.input("X", {1, 3, 8, 8}).init("W", {4, 3, 3, 3});
    b.node("Conv", {"X", "W"}).attrs["auto_pad"] = std::string("SAME");
    expect_refusal(b.graph(), "Conv_node", "auto_pad");
  }
  {
    Builder b;
    b.input("X", {1, 3, 8, 8}).init("W", {4, 3, 3, 3});
    b.node("Conv", {"X", "W"}).attrs["kernel_shape"] = std::vector<int64_t>{5, 5};
    expect_refusal(b.graph(), "Conv_node", "kernel_shape");
  }
}

// ---- pooling -----------------------------------------------------------------------

TEST(InferShapes, PoolCeilModeAndPads) {
  struct Case {
    int64_t in, k, s, pad_end;
    bool ceil;
    int64_t out;
  };
  // The last case drops a ceil-mode window that would start in the padding.
  for (const Case& t : std::vector<Case>{{6, 3, 2, 0, false, 2},
                                         {6, 3, 2, 0, true, 3},
                                         {5, 2, 2, 0, true, 3},
                                         {4, 2, 2, 1, true, 2}}) {
    for (const std::string op : {"MaxPool", "AveragePool"}) {
      Builder b;
      b.input("X", {U, 3, t.in, t.in});
      auto& n = b.node(op, {"X"});
      n.attrs["kernel_shape"] = std::vector<int64_t>{t.k, t.k};
      n.attrs["strides"] = std::vector<int64_t>{t.s, t.s};
      n.attrs["pads"] = std::vector<int64_t>{0, 0, t.pad_end, t.pad_end};
      n.attrs["ceil_mode"] = int64_t{t.ceil};
      EXPECT_EQ(shape_of(b.graph()), (Shape{U, 3, t.out, t.out})) << op << " in=" << t.in;
    }
  }
}

TEST(InferShapes, PoolAutoPadAndGlobal) {
  Builder b;
  b.input("X", {2, 8, 5, 5});
  auto& n = b.node("MaxPool", {"X"}, {"P", "I"});
  n.attrs["kernel_shape"] = std::vector<int64_t>{3, 3};
  n.attrs["strides"] = std::vector<int64_t>{2, 2};
  n.attrs["auto_pad"] = std::string("SAME_UPPER");
  b.node("GlobalAveragePool", {"P"});
  EXPECT_EQ(shape_of(b.graph(), "P"), (Shape{2, 8, 3, 3}));
  EXPECT_EQ(b.graph().values.at("I").dtype, DType::kInt64);
  EXPECT_EQ(shape_of(b.graph()), (Shape{2, 8, 1, 1}));
}

TEST(InferShapes, PoolRefusals) {
  {
    Builder b;
    b.input("X", {1, 3, 8, 8});
    b.node("AveragePool", {"X"});
    expect_refusal(b.graph(), "AveragePool_node", "kernel_shape");
  }
  {
    Builder b;
    b.input("X", {1, 3, 2, 2});
    b.node("MaxPool", {"X"}).attrs["kernel_shape"] = std::vector<int64_t>{3, 3};
    expect_refusal(b.graph(), "MaxPool_node", "larger than the padded input");
  }
  {
    Builder b;
    b.input("X", {1, 3});
    b.node("GlobalAveragePool", {"X"});
    expect_refusal(b.graph(), "GlobalAveragePool_node", "rank at least 3");
  }
}

// ---- Gemm / MatMul -----------------------------------------------------------------

TEST(InferShapes, GemmTransposes) {
  Builder b;
  b.input("A", {U, 1280}).init("B", {1000, 1280}).init("C", {1000});
  b.node("Gemm", {"A", "B", "C"}).attrs["transB"] = int64_t{1};
  EXPECT_EQ(shape_of(b.graph()), (Shape{U, 1000}));

  Builder t;
  t.input("A", {4, 3}).init("B", {4, 5});
  t.node("Gemm", {"A", "B"}).attrs["transA"] = int64_t{1};
  EXPECT_EQ(shape_of(t.graph()), (Shape{3, 5}));
}

TEST(InferShapes, GemmRefusals) {
  {
    Builder b;
    b.input("A", {U, 1280}).init("B", {1000, 1024});
    b.node("Gemm", {"A", "B"}).attrs["transB"] = int64_t{1};
    expect_refusal(b.graph(), "Gemm_node", "inner dimensions");
  }
  {
    Builder b;
    b.input("A", {2, 3}).init("B", {3, 4}).init("C", {3});
    b.node("Gemm", {"A", "B", "C"});
    expect_refusal(b.graph(), "Gemm_node", "does not broadcast");
  }
  {
    Builder b;
    b.input("A", {2, 3, 4}).init("B", {4, 4});
    b.node("Gemm", {"A", "B"});
    expect_refusal(b.graph(), "Gemm_node", "rank 2");
  }
}

TEST(InferShapes, MatMulNumpyRules) {
  const std::vector<std::tuple<Shape, Shape, Shape>> cases = {
      {{2, 3, 4}, {4, 5}, {2, 3, 5}},
      {{4}, {4, 5}, {5}},
      {{3, 4}, {4}, {3}},
      {{4}, {4}, {}},
      {{2, 1, 3, 4}, {5, 4, 6}, {2, 5, 3, 6}},
      {{U, 3, 4}, {4, 2}, {U, 3, 2}},
  };
  for (const auto& [a, bshape, want] : cases) {
    Builder b;
    b.input("A", a).init("B", bshape);
    b.node("MatMul", {"A", "B"});
    if (want.empty()) {  // a scalar result is not distinguishable from "no shape" in ValueInfo
      infer_shapes(b.graph());
      EXPECT_TRUE(b.graph().values.at("Y").shape.empty());
    } else {
      EXPECT_EQ(shape_of(b.graph()), want);
    }
  }
  Builder bad;
  bad.input("A", {2, 3}).init("B", {4, 5});
  bad.node("MatMul", {"A", "B"});
  expect_refusal(bad.graph(), "MatMul_node", "inner dimensions");
}

// ---- elementwise -------------------------------------------------------------------

TEST(InferShapes, BroadcastingBinaryOps) {
  const std::vector<std::tuple<Shape, Shape, Shape>> cases = {
      {{U, 3, 1, 5}, {4, 1}, {U, 3, 4, 5}},
      {{U, 3}, {1}, {U, 3}},
      {{U, 5}, {7, 5}, {7, 5}},  // an unknown dim against 7 must be 7 (or 1)
      {{U, 1}, {U, 1}, {U, 1}},
      {{2, 3}, {}, {2, 3}},
  };
  for (const std::string op : {"Add", "Sub", "Mul", "Div"}) {
    for (const auto& [a, c, want] : cases) {
      Builder b;
      b.input("A", a);
      // A declared empty shape reads as "no shape", so the scalar is a constant.
      c.empty() ? b.init("B", c) : b.input("B", c);
      b.node(op, {"A", "B"});
      EXPECT_EQ(shape_of(b.graph()), want) << op;
    }
  }
}

TEST(InferShapes, BroadcastRefusals) {
  {
    Builder b;
    b.input("A", {U, 3}).init("B", {4});
    b.node("Add", {"A", "B"});
    expect_refusal(b.graph(), "Add_node", "cannot broadcast");
  }
  {
    Builder b;
    b.input("A", {3}).init("B", {3}, DType::kInt64);
    b.node("Mul", {"A", "B"});
    expect_refusal(b.graph(), "Mul_node", "int64");
  }
}

TEST(InferShapes, UnaryOpsKeepShapeAndDtype) {
  Builder b;
  b.input("X", {U, 10});
  b.node("Relu", {"X"}, {"r"});
  b.node("Clip", {"r"}, {"c"});
  b.node("Sigmoid", {"c"}, {"s"});
  b.node("Identity", {"s"}, {"i"});
  b.node("Softmax", {"i"});
  EXPECT_EQ(shape_of(b.graph()), (Shape{U, 10}));
  for (const char* v : {"r", "c", "s", "i", "Y"}) {
    EXPECT_EQ(b.graph().values.at(v).shape, (Shape{U, 10})) << v;
  }

  Builder bad;
  bad.input("X", {U, 10});
  bad.node("Softmax", {"X"}).attrs["axis"] = int64_t{2};
  expect_refusal(bad.graph(), "Softmax_node", "axis 2");
}

TEST(InferShapes, BatchNormalization) {
  Builder b;
  b.input("X", {U, 4, 5, 5}).init("s", {4}).init("b", {4}).init("m", {4}).init("v", {4});
  b.node("BatchNormalization", {"X", "s", "b", "m", "v"});
  EXPECT_EQ(shape_of(b.graph()), (Shape{U, 4, 5, 5}));

  Builder bad;
  bad.input("X", {U, 4, 5, 5}).init("s", {4}).init("b", {4}).init("m", {3}).init("v", {4});
  bad.node("BatchNormalization", {"X", "s", "b", "m", "v"});
  expect_refusal(bad.graph(), "BatchNormalization_node", "'m' has 3 values");
}

// ---- shape manipulation ------------------------------------------------------------

TEST(InferShapes, Flatten) {
  const std::vector<std::pair<int64_t, Shape>> cases = {
      {1, {U, 60}}, {0, {1, U}}, {-1, {U, 5}}, {4, {U, 1}}, {2, {U, 20}}};
  for (const auto& [axis, want] : cases) {
    Builder b;
    b.input("X", {U, 3, 4, 5});
    b.node("Flatten", {"X"}).attrs["axis"] = axis;
    EXPECT_EQ(shape_of(b.graph()), want) << axis;
  }
  Builder bad;
  bad.input("X", {U, 3});
  bad.node("Flatten", {"X"}).attrs["axis"] = int64_t{3};
  expect_refusal(bad.graph(), "Flatten_node", "axis 3");
}

TEST(InferShapes, ReshapeZeroMinusOneAndAllowzero) {
  struct Case {
    Shape in;
    std::vector<int64_t> target;
    int64_t allowzero;
    Shape want;
  };
  for (const Case& t : std::vector<Case>{
           {{U, 1280, 1, 1}, {0, -1}, 0, {U, 1280}},
           {{4, 6}, {2, -1}, 0, {2, 12}},
           {{2, 3, 4}, {-1}, 0, {24}},
           {{2, 0, 4}, {0, 4}, 1, {0, 4}},
           {{U, 6}, {U, 2, 3}, 0, {U, 2, 3}},
       }) {
    Builder b;
    b.input("X", t.in).ints("shape", t.target);
    b.node("Reshape", {"X", "shape"}).attrs["allowzero"] = t.allowzero;
    EXPECT_EQ(shape_of(b.graph()), t.want) << shape_str(t.in);
  }
}

TEST(InferShapes, ReshapeRuntimeShapeGivesRankOnly) {
  Builder b;
  b.input("X", {U, 8}).input("S", {3}, DType::kInt64);
  b.node("Reshape", {"X", "S"});
  EXPECT_EQ(shape_of(b.graph()), (Shape{U, U, U}));
}

TEST(InferShapes, ReshapeRefusals) {
  const std::vector<std::pair<std::vector<int64_t>, std::string>> cases = {
      {{5, 5}, "element counts differ"}, {{-1, -1}, "more than one -1"},
      {{5, -1}, "not divisible"},        {{3, 0, -1}, "not divisible"},
      {{2, -2}, "negative dim"},         {{0, 0, 0}, "copies dim 2"},
  };
  for (const auto& [target, fragment] : cases) {
    Builder b;
    b.input("X", {4, 6}).ints("shape", target);
    b.node("Reshape", {"X", "shape"});
    expect_refusal(b.graph(), "Reshape_node", fragment);
  }
}

TEST(InferShapes, Transpose) {
  Builder b;
  b.input("X", {U, 3, 4});
  b.node("Transpose", {"X"}, {"r"});
  b.node("Transpose", {"X"}).attrs["perm"] = std::vector<int64_t>{0, 2, 1};
  EXPECT_EQ(shape_of(b.graph(), "r"), (Shape{4, 3, U}));
  EXPECT_EQ(shape_of(b.graph()), (Shape{U, 4, 3}));

  Builder bad;
  bad.input("X", {U, 3, 4});
  bad.node("Transpose", {"X"}).attrs["perm"] = std::vector<int64_t>{0, 1, 1};
  expect_refusal(bad.graph(), "Transpose_node", "not a permutation");
}

TEST(InferShapes, Concat) {
  Builder b;
  b.input("A", {U, 3, 4}).input("B", {U, 5, 4}).init("C", {2, 2, 4});
  b.node("Concat", {"A", "B", "C"}).attrs["axis"] = int64_t{-2};
  EXPECT_EQ(shape_of(b.graph()), (Shape{2, 10, 4}));

  Builder unknown_axis;
  unknown_axis.input("A", {U, 3}).input("B", {U, 3});
  unknown_axis.node("Concat", {"A", "B"}).attrs["axis"] = int64_t{0};
  EXPECT_EQ(shape_of(unknown_axis.graph()), (Shape{U, 3}));
}

TEST(InferShapes, ConcatRefusals) {
  {
    Builder b;
    b.input("A", {U, 3, 4}).input("B", {U, 5, 5});
    b.node("Concat", {"A", "B"}).attrs["axis"] = int64_t{1};
    expect_refusal(b.graph(), "Concat_node", "in dim 2");
  }
  {
    Builder b;
    b.input("A", {U, 3, 4}).input("B", {U, 5});
    b.node("Concat", {"A", "B"}).attrs["axis"] = int64_t{1};
    expect_refusal(b.graph(), "Concat_node", "differs in rank");
  }
  {
    Builder b;
    b.input("A", {U, 3});
    b.node("Concat", {"A"});
    expect_refusal(b.graph(), "Concat_node", "axis is required");
  }
}

TEST(InferShapes, PadFromInputAttrAndAxes) {
  Builder b;
  b.input("X", {U, 3, 8, 8}).ints("pads", {0, 0, 1, 2, 0, 0, 3, -1});
  b.node("Pad", {"X", "pads"});
  EXPECT_EQ(shape_of(b.graph()), (Shape{U, 3, 12, 9}));

  Builder attr;
  attr.input("X", {2, 3});
  attr.node("Pad", {"X"}).attrs["pads"] = std::vector<int64_t>{1, 0, 1, 4};
  EXPECT_EQ(shape_of(attr.graph()), (Shape{4, 7}));

  Builder axes;
  axes.input("X", {2, 3, 4}).ints("pads", {1, 2}).ints("axes", {-1});
  axes.node("Pad", {"X", "pads", "", "axes"});
  EXPECT_EQ(shape_of(axes.graph()), (Shape{2, 3, 7}));

  Builder runtime;
  runtime.input("X", {2, 3}).input("P", {4}, DType::kInt64);
  runtime.node("Pad", {"X", "P"});
  EXPECT_EQ(shape_of(runtime.graph()), (Shape{U, U}));

  Builder bad;
  bad.input("X", {2, 3}).ints("pads", {0, 0, 0});
  bad.node("Pad", {"X", "pads"});
  expect_refusal(bad.graph(), "Pad_node", "expected 4 pads");
}

// ---- quantization ------------------------------------------------------------------

TEST(InferShapes, QuantizeDequantizeDtypes) {
  Builder b;
  b.input("X", {U, 3, 4, 4}).init("s", {}).init("zp", {}, DType::kInt8);
  b.node("QuantizeLinear", {"X", "s", "zp"}, {"q8"});
  b.node("QuantizeLinear", {"X", "s"}, {"qu8"}).name = "q_default";
  b.node("DequantizeLinear", {"q8", "s", "zp"});
  infer_shapes(b.graph());
  const auto& v = b.graph().values;
  EXPECT_EQ(v.at("q8").dtype, DType::kInt8);
  EXPECT_EQ(v.at("qu8").dtype, DType::kUInt8);
  EXPECT_EQ(v.at("Y").dtype, DType::kFloat32);
  EXPECT_EQ(v.at("Y").shape, (Shape{U, 3, 4, 4}));
}

TEST(InferShapes, PerChannelScaleMustMatchAxis) {
  Builder b;
  b.init("W", {8, 3, 3, 3}, DType::kInt8).init("s", {4}).init("zp", {4}, DType::kInt8);
  b.input("X", {1, 3, 8, 8});
  b.node("DequantizeLinear", {"W", "s", "zp"}).attrs["axis"] = int64_t{0};
  expect_refusal(b.graph(), "DequantizeLinear_node", "scale has 4 values");
}

// ---- declared shapes, unknown ops --------------------------------------------------

TEST(InferShapes, DeclaredOutputIsMoreSpecific) {
  Builder b;
  b.input("X", {U, 4}).output("Y", {1, U});
  b.node("Relu", {"X"});
  EXPECT_EQ(shape_of(b.graph()), (Shape{1, 4}));
}

TEST(InferShapes, DeclaredOutputContradictions) {
  {
    Builder b;
    b.input("X", {U, 4}).output("Y", {U, 5});
    b.node("Relu", {"X"});
    expect_refusal(b.graph(), "Relu_node", "declared with shape [?,5]");
  }
  {
    Builder b;
    b.input("X", {U, 4}).output("Y", {U, 4, 1});
    b.node("Relu", {"X"});
    expect_refusal(b.graph(), "Relu_node", "declared with shape");
  }
  {
    Builder b;
    b.input("X", {U, 4}).init("s", {}).output("Y", {U, 4}, DType::kFloat32);
    b.node("QuantizeLinear", {"X", "s"});
    expect_refusal(b.graph(), "QuantizeLinear_node", "declared float32 but computes uint8");
  }
}

TEST(InferShapes, UnknownOpLeavesOutputsUnknown) {
  Builder b;
  b.input("X", {U, 4});
  b.node("Mystery", {"X"}, {"m"});
  b.node("Relu", {"m"});
  infer_shapes(b.graph());
  EXPECT_EQ(b.graph().values.count("m"), 0u);
  EXPECT_EQ(b.graph().values.count("Y"), 0u);
}

// ---- the real models ---------------------------------------------------------------

void check_mobilenet(const std::string& path) {
  Graph g = import_onnx_file(path);
  infer_shapes(g);
  EXPECT_EQ(g.values.at("logits").shape, (Shape{U, 1000})) << path;
  std::vector<const Node*> convs;
  for (const Node& n : g.nodes) {
    for (const auto& out : n.outputs) {
      ASSERT_TRUE(g.values.count(out)) << n.label() << " output '" << out << "' has no rank";
    }
    if (n.op_type == "Conv") convs.push_back(&n);
  }
  ASSERT_EQ(convs.size(), 52u);
  EXPECT_EQ(g.values.at(convs.front()->outputs[0]).shape, (Shape{U, 32, 112, 112}));
  EXPECT_EQ(g.values.at(convs.back()->outputs[0]).shape, (Shape{U, 1280, 7, 7}));
  for (const Node* c : convs) {
    const Shape& s = g.values.at(c->outputs[0]).shape;
    ASSERT_EQ(s.size(), 4u) << c->label();
    EXPECT_EQ(s[2], s[3]) << c->label();
    EXPECT_TRUE(s[2] == 112 || s[2] == 56 || s[2] == 28 || s[2] == 14 || s[2] == 7) << c->label();
  }
}

TEST(InferShapes, MobileNetV2Qdq) { check_mobilenet(testing::qdq_model_path()); }

TEST(InferShapes, MobileNetV2Fp32) { check_mobilenet(testing::fp32_model_path()); }

}  // namespace
}  // namespace aimc
