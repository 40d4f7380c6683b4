// Programmatic MobileNetV2 and the paper's figures on it: the multi-array mapping and the
// Bottleneck ratios.
#include "models/specs/mobilenet_spec.h"

#include <gtest/gtest.h>

#include "engine/passes/scenarios.h"

namespace aimc::models {
namespace {

using timing::Scenario;

TEST(MobileNetSpec, PaperVariantHasExactlyThePapersConvWeights) {
  MobileNetV2Options o;
  o.first_block_expansion = true;
  const auto layers = mobilenetv2_spec(o);
  int64_t conv_weights = 0, convs = 0, dw = 0;
  for (const auto& l : layers) {
    if (l.op == timing::LayerOp::kGemm || l.op == timing::LayerOp::kAdd ||
        l.op == timing::LayerOp::kPool)
      continue;
    conv_weights += l.weights();
    ++convs;
    dw += l.op == timing::LayerOp::kDepthwise;
  }
  EXPECT_EQ(conv_weights, 2190784);
  EXPECT_EQ(convs, 53);  // the Keras model's 52 convs + the 32→32 expansion
  EXPECT_EQ(dw, 17);
  o.first_block_expansion = false;
  int64_t keras = 0;
  for (const auto& l : mobilenetv2_spec(o))
    if (l.op != timing::LayerOp::kGemm) keras += l.weights();
  EXPECT_EQ(keras, 2190784 - 32 * 32);
}

TEST(MobileNetSpec, WidthAndResolutionScaleTheNetwork) {
  MobileNetV2Options o;
  o.width = 0.5;
  o.resolution = 160;
  const auto layers = mobilenetv2_spec(o);
  EXPECT_EQ(layers.front().out_c, 16);
  EXPECT_EQ(layers.front().out_h, 80);
  EXPECT_EQ(layers[layers.size() - 3].out_c, 1280);  // the last conv keeps 1280 below width 1
}

TEST(MobileNetSpec, MultiArrayReproducesThePapersEndToEndFigures) {
  const auto layers = named_spec("mobilenetv2-paper");
  const timing::TimingReport r =
      timing::estimate_scenario(layers, timing::Hardware{}, Scenario::kMultiArray);
  EXPECT_NEAR(r.arrays, 34, 2);
  EXPECT_EQ(r.mapped_params, 2190784);
  EXPECT_NEAR(r.latency_ms, 10.1, 0.10 * 10.1);
  EXPECT_NEAR(r.energy_uj, 482, 0.15 * 482);
  EXPECT_NEAR(r.inferences_per_second, 99, 0.10 * 99);
  // The last two layers above 5 TOPS/W (the classifier and pooling run on
  // the cores and are not part of the paper's per-layer figure).
  std::vector<const timing::LayerCost*> convs;
  for (const auto& l : r.layers)
    if (l.unit == "ima") convs.push_back(&l);
  ASSERT_GE(convs.size(), 2u);
  for (std::size_t i = convs.size() - 2; i < convs.size(); ++i)
    EXPECT_GT(2.0 * convs[i]->macs / (convs[i]->energy_uj * 1e6), 5.0) << convs[i]->name;
  // Per-layer MACs add up to the total.
  double mmac = 0;
  for (const auto& l : r.layers) mmac += l.macs / 1e6;
  EXPECT_NEAR(mmac, r.mmac, 1e-6);
}

TEST(MobileNetSpec, BottleneckSpeedupsMatchThePaper) {
  const auto layers = bottleneck_spec();
  int64_t weights = 0, dw = 0;
  for (const auto& l : layers) {
    weights += l.weights();
    if (l.op == timing::LayerOp::kDepthwise) dw += l.weights();
  }
  EXPECT_NEAR(double(dw) / weights, 0.04, 0.006);  // "about 4 %"
  const timing::Hardware h;
  const timing::TimingReport cores = timing::estimate_scenario(layers, h, Scenario::kCores);
  auto speedup = [&](Scenario s) {
    return cores.cycles / timing::estimate_scenario(layers, h, s).cycles;
  };
  auto efficiency = [&](Scenario s) {
    return cores.energy_uj / timing::estimate_scenario(layers, h, s).energy_uj;
  };
  EXPECT_NEAR(speedup(Scenario::kImaDw), 11.5, 0.15 * 11.5);
  EXPECT_NEAR(speedup(Scenario::kHybrid), 4.6, 0.15 * 4.6);
  EXPECT_NEAR(speedup(Scenario::kImaCjob16), 2.27, 0.15 * 2.27);
  EXPECT_NEAR(speedup(Scenario::kImaCjob8), 1.23, 0.15 * 1.23);
  const double e = efficiency(Scenario::kImaDw);
  EXPECT_GE(e, 9.2 * 0.85);
  EXPECT_LE(e, 9.5 * 1.15);
  EXPECT_NEAR(efficiency(Scenario::kHybrid), 3.4, 0.15 * 3.4);
}

}  // namespace
}  // namespace aimc::models
