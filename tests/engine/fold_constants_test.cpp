// fold_constants: constant subgraphs become initializers, and PyTorch's
// x.view(x.size(0), -1) over a dynamic batch folds into a Reshape target
// with 0 ("copy the batch") so the model runs at any batch.
#include "engine/passes/fold_constants.h"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>

#include "engine/model.h"
#include "engine/onnx_import.h"
#include "engine/passes/infer_shapes.h"
#include "support/onnx_builder.h"

namespace aimc {
namespace {

// A float input of the given dims, -1 meaning the dynamic batch.
void add_input(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& dims) {
  auto* v = g->add_input();
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) {
    auto* dim = tt->mutable_shape()->add_dim();
    if (d < 0) {
      dim->set_dim_param("batch");
    } else {
      dim->set_dim_value(d);
    }
  }
}

void add_ints(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& v,
              bool scalar = false) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  if (!scalar) t->add_dims(static_cast<int64_t>(v.size()));
  for (int64_t x : v) t->add_int64_data(x);
}

void add_floats(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& dims,
                const std::vector<float>& v) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  for (float x : v) t->add_float_data(x);
}

onnx::NodeProto* add_node(onnx::GraphProto* g, const std::string& op,
                          const std::vector<std::string>& in, const std::vector<std::string>& out) {
  auto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(op + "_" + out[0]);
  for (const auto& s : in) n->add_input(s);
  for (const auto& s : out) n->add_output(s);
  return n;
}

onnx::ModelProto model_proto() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  m.mutable_graph()->set_name("fold");
  return m;
}

// X[?,2,3] -> Relu -> view(size(0), -1) -> MatMul W[6,2] -> Y, the view as
// PyTorch exports it; `batch_last` exports view(-1, size(0)) instead.
onnx::ModelProto view_model(bool batch_last = false) {
  onnx::ModelProto m = model_proto();
  auto* g = m.mutable_graph();
  add_input(g, "X", {-1, 2, 3});
  testing::add_float_value(g->add_output(), "Y", {});
  g->mutable_output(0)->mutable_type()->mutable_tensor_type()->clear_shape();
  add_node(g, "Relu", {"X"}, {"R"});
  add_node(g, "Shape", {"R"}, {"S"});
  add_ints(g, "zero", {0}, /*scalar=*/true);
  add_node(g, "Gather", {"S", "zero"}, {"B"});
  add_ints(g, "axes0", {0});
  add_node(g, "Unsqueeze", {"B", "axes0"}, {"B1"});
  add_ints(g, "minus_one", {-1});
  auto* concat = add_node(
      g, "Concat", {batch_last ? "minus_one" : "B1", batch_last ? "B1" : "minus_one"}, {"T"});
  auto* axis = concat->add_attribute();
  axis->set_name("axis");
  axis->set_type(onnx::AttributeProto::INT);
  axis->set_i(0);
  add_node(g, "Reshape", {"R", "T"}, {"F"});
  std::vector<float> w(12);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = 0.25f * static_cast<float>(i) - 1.0f;
  add_floats(g, "W", {6, 2}, w);
  add_node(g, "MatMul", {batch_last ? "T" : "F", "W"}, {"Y"});
  if (batch_last) g->mutable_node(g->node_size() - 1)->set_input(0, "F");
  return m;
}

Graph import(const onnx::ModelProto& m) {
  std::string bytes;
  m.SerializeToString(&bytes);
  return import_onnx_bytes(bytes, "fold_test");
}

Tensor images(int64_t batch) {
  Tensor x(DType::kFloat32, {batch, 2, 3});
  for (int64_t i = 0; i < x.size(); ++i) x.data<float>()[i] = static_cast<float>(i % 7) - 2.5f;
  return x;
}

bool has_op(const Graph& g, const std::string& op) {
  return std::any_of(g.nodes.begin(), g.nodes.end(),
                     [&](const Node& n) { return n.op_type == op; });
}

TEST(FoldConstants, DynamicBatchViewFoldsToACopyOfTheBatch) {
  Graph g = import(view_model());
  infer_shapes(g);
  const FoldStats stats = fold_constants(g);
  EXPECT_EQ(stats.batch_reshapes, 1);
  EXPECT_FALSE(has_op(g, "Shape"));
  EXPECT_FALSE(has_op(g, "Gather"));
  EXPECT_FALSE(has_op(g, "Concat"));
  const Node& reshape = g.nodes.at(static_cast<std::size_t>(g.producer("F")));
  const Tensor* target = g.initializer(reshape.inputs[1]);
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(
      std::vector<int64_t>(target->values<int64_t>().begin(), target->values<int64_t>().end()),
      (std::vector<int64_t>{0, -1}));
  EXPECT_EQ(g.values.at("F").shape, (Shape{-1, 6}));  // static again after folding
}

TEST(FoldConstants, TheBatchIsFollowedBackThroughOpsThatKeepDim0) {
  // view(relu(x), x.size(0), -1): the Shape reads X, the Reshape relu(X).
  onnx::ModelProto m = view_model();
  for (auto& n : *m.mutable_graph()->mutable_node()) {
    if (n.op_type() == "Shape") n.set_input(0, "X");
  }
  Graph g = import(m);
  infer_shapes(g);
  EXPECT_EQ(fold_constants(g).batch_reshapes, 1);
}

TEST(FoldConstants, FoldedViewRunsAtAnyBatchWithTheSamePerImageResult) {
  ModelOptions options;
  options.mode = ExecMode::kFloat;
  const Model model = Model::from_graph(import(view_model()), options);
  const Tensor one = model.run({images(1)}).outputs.at(0);
  const Tensor three = model.run({images(3)}).outputs.at(0);
  ASSERT_EQ(one.shape(), (Shape{1, 2}));
  ASSERT_EQ(three.shape(), (Shape{3, 2}));
  // images(3)'s first image is images(1)'s.
  for (int64_t i = 0; i < 2; ++i) EXPECT_EQ(one.data<float>()[i], three.data<float>()[i]);
  // Image 1 of the batch of 3, by hand: relu(x) . W.
  const Tensor x = images(3);
  for (int64_t j = 0; j < 2; ++j) {
    float want = 0.0f;
    for (int64_t k = 0; k < 6; ++k) {
      const float v = std::max(0.0f, x.data<float>()[6 + k]);
      want += v * (0.25f * static_cast<float>(k * 2 + j) - 1.0f);
    }
    EXPECT_NEAR(three.data<float>()[2 + j], want, 1e-5f);
  }
}

TEST(FoldConstants, SliceOfTheShapeFoldsToo) {
  // x.reshape(x.shape[:1] + (-1,)): Shape -> Slice(0:1) -> Concat([-1]) -> Reshape.
  onnx::ModelProto m = model_proto();
  auto* g = m.mutable_graph();
  add_input(g, "X", {-1, 2, 3});
  testing::add_float_value(g->add_output(), "Y", {});
  g->mutable_output(0)->mutable_type()->mutable_tensor_type()->clear_shape();
  add_node(g, "Shape", {"X"}, {"S"});
  add_ints(g, "start", {0});
  add_ints(g, "end", {1});
  add_node(g, "Slice", {"S", "start", "end"}, {"B"});
  add_ints(g, "minus_one", {-1});
  auto* concat = add_node(g, "Concat", {"B", "minus_one"}, {"T"});
  auto* axis = concat->add_attribute();
  axis->set_name("axis");
  axis->set_type(onnx::AttributeProto::INT);
  axis->set_i(0);
  add_node(g, "Reshape", {"X", "T"}, {"Y"});
  Graph graph = import(m);
  infer_shapes(graph);
  EXPECT_EQ(fold_constants(graph).batch_reshapes, 1);
  EXPECT_EQ(graph.nodes.size(), 1u);
  EXPECT_EQ(graph.values.at("Y").shape, (Shape{-1, 6}));
}

TEST(FoldConstants, TheDim0OfAnotherValueIsNotTakenForTheBatch) {
  // F1 = X viewed as [-1, 3] has dim 0 = 2 x batch: view(X, F1.size(0), -1)
  // must not become a copy of X's batch.
  onnx::ModelProto m = model_proto();
  auto* g = m.mutable_graph();
  add_input(g, "X", {-1, 2, 3});
  testing::add_float_value(g->add_output(), "Y", {});
  g->mutable_output(0)->mutable_type()->mutable_tensor_type()->clear_shape();
  add_ints(g, "rows", {-1, 3});
  add_node(g, "Reshape", {"X", "rows"}, {"F1"});
  add_node(g, "Shape", {"F1"}, {"S"});
  add_ints(g, "zero", {0}, /*scalar=*/true);
  add_node(g, "Gather", {"S", "zero"}, {"B"});
  add_ints(g, "axes0", {0});
  add_node(g, "Unsqueeze", {"B", "axes0"}, {"B1"});
  add_ints(g, "minus_one", {-1});
  auto* concat = add_node(g, "Concat", {"B1", "minus_one"}, {"T"});
  auto* axis = concat->add_attribute();
  axis->set_name("axis");
  axis->set_type(onnx::AttributeProto::INT);
  axis->set_i(0);
  add_node(g, "Reshape", {"X", "T"}, {"Y"});
  Graph graph = import(m);
  infer_shapes(graph);
  EXPECT_EQ(fold_constants(graph).batch_reshapes, 0);
  ModelOptions options;
  options.mode = ExecMode::kFloat;
  const Model model = Model::from_graph(import(m), options);
  EXPECT_EQ(model.run({images(3)}).outputs.at(0).shape(), (Shape{6, 3}));
}

TEST(FoldConstants, ABatchItCannotFoldStillRunsAsNodes) {
  // view(-1, size(0)) puts the batch last: no constant target says that, so
  // the shape subgraph stays and runs.
  Graph g = import(view_model(/*batch_last=*/true));
  infer_shapes(g);
  EXPECT_EQ(fold_constants(g).batch_reshapes, 0);
  EXPECT_TRUE(has_op(g, "Shape"));
  ModelOptions options;
  options.mode = ExecMode::kFloat;
  onnx::ModelProto m = view_model(/*batch_last=*/true);
  // Y = F (the reshaped input) so the output shows the run-time view.
  auto* g2 = m.mutable_graph();
  g2->mutable_node(g2->node_size() - 1)->set_op_type("Identity");
  g2->mutable_node(g2->node_size() - 1)->mutable_input()->RemoveLast();
  const Model model = Model::from_graph(import(m), options);
  EXPECT_EQ(model.run({images(3)}).outputs.at(0).shape(), (Shape{6, 3}));
}

TEST(FoldConstants, ConstantSubgraphsAndStaticShapesBecomeInitializers) {
  onnx::ModelProto m = model_proto();
  auto* g = m.mutable_graph();
  add_input(g, "X", {2, 3});
  testing::add_float_value(g->add_output(), "Y", {2, 3});
  add_floats(g, "A", {3}, {1, 2, 3});
  add_floats(g, "B", {3}, {0.5f, 0.5f, 0.5f});
  add_node(g, "Mul", {"A", "B"}, {"AB"});  // all constant
  add_node(g, "Shape", {"X"}, {"S"});      // static shape
  add_node(g, "Reshape", {"X", "S"}, {"X2"});
  add_node(g, "Add", {"X2", "AB"}, {"Y"});
  Graph graph = import(m);
  infer_shapes(graph);
  const FoldStats stats = fold_constants(graph);
  EXPECT_EQ(stats.folded_nodes, 2);
  EXPECT_FALSE(has_op(graph, "Mul"));
  EXPECT_FALSE(has_op(graph, "Shape"));
  ASSERT_NE(graph.initializer("AB"), nullptr);
  EXPECT_EQ(graph.initializer("AB")->data<float>()[2], 1.5f);
  EXPECT_TRUE(has_op(graph, "Add"));
}

}  // namespace
}  // namespace aimc
