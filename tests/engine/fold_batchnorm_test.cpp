// Folding inference BatchNormalization into the Conv in front of it: the BN
// disappears and the float outputs match the unfolded graph (run by the BN
// kernel) within |a - b| <= 1e-5 * max(|b|, 1).
#include "engine/passes/fold_batchnorm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <ostream>
#include <random>

#include "engine/executor.h"
#include "engine/model.h"
#include "support/graph_tests.h"

namespace aimc {
namespace {

using testing::float_mode;
using testing::image_graph;
using testing::random_tensor;

// X[2,3g,7,7] -> Conv(3x3, pads 1, group g, optional bias) -> c -> BN -> Y.
Graph conv_bn_graph(bool conv_bias, int64_t group = 1) {
  std::mt19937 rng(42);
  Graph g = image_graph("conv_bn_test", 13, 3 * group, 7, 7);
  g.initializers["W"] = random_tensor({4 * group, 3, 3, 3}, rng, -1.0f, 1.0f);
  Node conv{"conv", "Conv", {"X", "W"}, {"c"}, {}};
  conv.attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  conv.attrs["group"] = group;
  if (conv_bias) {
    g.initializers["Bc"] = random_tensor({4 * group}, rng, -0.5f, 0.5f);
    conv.inputs.push_back("Bc");
  }
  g.initializers["scale"] = random_tensor({4 * group}, rng, 0.5f, 2.0f);
  g.initializers["B"] = random_tensor({4 * group}, rng, -1.0f, 1.0f);
  g.initializers["mean"] = random_tensor({4 * group}, rng, -1.0f, 1.0f);
  g.initializers["var"] = random_tensor({4 * group}, rng, 0.1f, 3.0f);
  Node bn{"bn", "BatchNormalization", {"c", "scale", "B", "mean", "var"}, {"Y"}, {}};
  bn.attrs["epsilon"] = 1e-3f;
  g.nodes = {conv, bn};
  return g;
}

Tensor input_for(const Graph& g) {
  std::mt19937 rng(7);
  return random_tensor({2, g.values.at("X").shape[1], 7, 7}, rng, -2.0f, 2.0f);
}

void expect_near_outputs(const Tensor& a, const Tensor& b) {
  ASSERT_EQ(a.shape(), b.shape());
  for (int64_t i = 0; i < a.size(); ++i) {
    const float x = a.data<float>()[i], y = b.data<float>()[i];
    ASSERT_LE(std::fabs(x - y), 1e-5f * std::max(std::fabs(y), 1.0f)) << "element " << i;
  }
}

int count_op(const Graph& g, const std::string& op) {
  return static_cast<int>(std::count_if(g.nodes.begin(), g.nodes.end(),
                                        [&](const Node& n) { return n.op_type == op; }));
}

class FoldBatchNorm : public ::testing::TestWithParam<std::pair<bool, int64_t>> {};

TEST_P(FoldBatchNorm, RemovesTheBnAndKeepsTheOutputs) {
  const auto [bias, group] = GetParam();
  const Graph g = conv_bn_graph(bias, group);
  const Tensor x = input_for(g);
  const Executor unfolded(g);
  const Tensor expected = unfolded.run({x}).at(0);

  const Model folded = Model::from_graph(g, float_mode());
  EXPECT_EQ(count_op(folded.graph(), "BatchNormalization"), 0);
  ASSERT_EQ(folded.graph().nodes.size(), 1u);
  const Node& conv = folded.graph().nodes[0];
  EXPECT_EQ(conv.outputs.at(0), "Y");
  ASSERT_EQ(conv.inputs.size(), 3u);
  // The original constants are gone, the new ones have fresh names.
  EXPECT_FALSE(folded.graph().is_initializer("W"));
  EXPECT_FALSE(folded.graph().is_initializer("scale"));
  EXPECT_NE(conv.inputs[1], "W");
  EXPECT_TRUE(folded.graph().is_initializer(conv.inputs[2]));
  EXPECT_EQ(folded.graph().values.count("c"), 0u);
  expect_near_outputs(folded.run({x}).outputs.at(0), expected);
}

INSTANTIATE_TEST_SUITE_P(BiasAndGroups, FoldBatchNorm,
                         ::testing::Values(std::pair{true, int64_t{1}},
                                           std::pair{false, int64_t{1}},
                                           std::pair{true, int64_t{2}}),
                         [](const auto& info) {
                           return std::string(info.param.first ? "bias" : "no_bias") + "_group" +
                                  std::to_string(info.param.second);
                         });

TEST(FoldBatchNormPass, LeavesConvOutputsThatAreReadElsewhere) {
  Graph g = conv_bn_graph(true);
  g.outputs.push_back("c");  // the conv output is also a graph output
  EXPECT_EQ(fold_batchnorm_into_conv(g), 0);
  EXPECT_EQ(count_op(g, "BatchNormalization"), 1);

  Graph h = conv_bn_graph(true);
  h.nodes.push_back(Node{"relu", "Relu", {"c"}, {"R"}, {}});  // a second consumer
  h.outputs.push_back("R");
  EXPECT_EQ(fold_batchnorm_into_conv(h), 0);
}

TEST(FoldBatchNormPass, LeavesTrainingModeAndComputedStatistics) {
  Graph g = conv_bn_graph(true);
  g.nodes[1].attrs["training_mode"] = int64_t{1};
  EXPECT_EQ(fold_batchnorm_into_conv(g), 0);

  Graph h = conv_bn_graph(true);
  h.inputs.push_back("mean");  // statistics fed at run time, not constants
  h.initializers.erase("mean");
  EXPECT_EQ(fold_batchnorm_into_conv(h), 0);
}

TEST(FoldBatchNormPass, KeepsAWeightSharedWithAnotherConv) {
  Graph g = conv_bn_graph(true);
  g.nodes.push_back(Node{"conv2", "Conv", {"X", "W"}, {"Z"}, {}});
  g.nodes.back().attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  g.outputs.push_back("Z");
  const Tensor x = input_for(g);
  const auto expected = Executor(g).run({x});
  EXPECT_EQ(fold_batchnorm_into_conv(g), 1);
  EXPECT_TRUE(g.is_initializer("W"));  // still read by conv2
  const auto actual = Executor(g).run({x});
  expect_near_outputs(actual.at(0), expected.at(0));
  EXPECT_EQ(actual.at(1).shape(), expected.at(1).shape());
  EXPECT_TRUE(std::equal(actual.at(1).values<float>().begin(), actual.at(1).values<float>().end(),
                         expected.at(1).values<float>().begin()));
}

}  // namespace
}  // namespace aimc
