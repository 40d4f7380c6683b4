// A float model's MatMul with a constant weight (an MLP's or a sequence
// model's linear layer) runs on crossbar tiles in analog mode, with noise
// keyed per image and row so that results never depend on the batch.
#include <gtest/gtest.h>

#include <random>

#include "engine/analog/analog_config_json.h"
#include "engine/model.h"
#include "tests/support/graph_tests.h"
#include "tests/support/quantized_graphs.h"

namespace aimc {
namespace {

Graph mlp(Shape input) {
  std::mt19937 rng(2);
  testing::GraphBuilder b("mlp.onnx", std::move(input));
  std::vector<float> w1(16 * 12), w2(12 * 4);
  std::normal_distribution<float> d(0.f, 0.3f);
  for (float& v : w1) v = d(rng);
  for (float& v : w2) v = d(rng);
  b.constant<float>("w1", {16, 12}, w1);
  b.constant<float>("w2", {12, 4}, w2);
  b.node("MatMul", {"X", "w1"}, {"h"});
  b.node("Relu", {"h"}, {"r"});
  b.node("MatMul", {"r", "w2"}, {"Y"});
  return b.finish("Y");
}

ModelOptions pcm() {
  ModelOptions o;
  o.mode = ExecMode::kAnalog;
  o.analog = analog_preset("aihwkit-standard");
  o.analog.adc_range = AdcRangeMode::kMax;
  return o;
}

TEST(AnalogMatMul, ConstantWeightsGoOnTilesAndTheirNoiseShows) {
  const Graph g = mlp({-1, 16});
  const Model a = Model::from_graph(g, pcm());
  int on_tiles = 0;
  for (const Node& n : a.graph().nodes) on_tiles += on_crossbar(n.placement.unit);
  EXPECT_EQ(on_tiles, 2);
  ModelOptions f;
  f.mode = ExecMode::kFloat;
  std::mt19937 rng(4);
  const Tensor x = testing::random_tensor({3, 16}, rng, -1.f, 1.f);
  EXPECT_FALSE(testing::same_bits(a.run({x}).outputs.at(0),
                                  Model::from_graph(g, f).run({x}).outputs.at(0)));
}

TEST(AnalogMatMul, ASequenceGivesTheSameResultsWhateverTheBatch) {
  const Model a = Model::from_graph(mlp({-1, 5, 16}), pcm());
  std::mt19937 rng(6);
  const Tensor both = testing::random_tensor({2, 5, 16}, rng, -1.f, 1.f);
  const Tensor y = a.run({both}, RunContext{2, 0}).outputs.at(0);
  ASSERT_EQ(y.shape(), (Shape{2, 5, 4}));
  // The second sequence alone, as image 1 of the run.
  Tensor second(DType::kFloat32, {1, 5, 16});
  std::copy_n(both.data<float>() + 80, 80, second.data<float>());
  const Tensor y1 = a.run({second}, RunContext{1, 1}).outputs.at(0);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(y1.data<float>()[i], y.data<float>()[20 + i]) << i;
}

}  // namespace
}  // namespace aimc
