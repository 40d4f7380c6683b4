// GPTQ on crossbar layers (engine/analog/gptq_levels.h): the ideal twin's
// input moments are exact integers that do not depend on threads or on how
// the images are batched; its levels bring 4-bit analog outputs closer to
// digital than plain rounding; a gptq model without levels is refused; and
// GPTQ's parameters are written back only with GPTQ.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "engine/analog/analog_config_json.h"
#include "engine/analog/gptq_levels.h"
#include "engine/error.h"
#include "engine/model.h"
#include "tests/support/graph_tests.h"
#include "tests/support/quantized_graphs.h"

namespace aimc {
namespace {

constexpr int kChannels = 8, kSide = 8;

// X[N,8,8,8] -> Q -> DQ -> Conv(8 -> 12, 3x3, pad 1) -> Q -> DQ -> Y.
Graph int8_conv() {
  std::mt19937 rng(21);
  testing::GraphBuilder b("gptq_conv.onnx", {-1, kChannels, kSide, kSide});
  b.scale("s", 0.02f);
  b.constant<int8_t>("z", {}, {0});
  b.node("QuantizeLinear", {"X", "s", "z"}, {"xq"});
  b.node("DequantizeLinear", {"xq", "s", "z"}, {"xf"});
  b.constant<int8_t>("w", {12, kChannels, 3, 3}, testing::random_int8(12 * kChannels * 9, rng));
  b.constant<float>("ws", {12}, {0.004f});
  b.constant<int8_t>("wz", {12}, {0});
  b.node("DequantizeLinear", {"w", "ws", "wz"}, {"wf"}, {{"axis", int64_t{0}}});
  b.node("Conv", {"xf", "wf"}, {"c"}, {{"pads", std::vector<int64_t>{1, 1, 1, 1}}});
  b.scale("so", 0.05f);
  b.constant<int8_t>("zo", {}, {0});
  b.node("QuantizeLinear", {"c", "so", "zo"}, {"cq"});
  b.node("DequantizeLinear", {"cq", "so", "zo"}, {"Y"});
  return b.finish("Y");
}

// X[N,8,8,8] -> Conv(float, 8 -> 6, 3x3, pad 1) -> Y.
Graph float_conv() {
  std::mt19937 rng(22);
  testing::GraphBuilder b("gptq_float_conv.onnx", {-1, kChannels, kSide, kSide});
  std::vector<float> w(6 * kChannels * 9);
  std::normal_distribution<float> d(0.f, 0.3f);
  for (float& v : w) v = d(rng);
  b.constant<float>("w", {6, kChannels, 3, 3}, w);
  b.node("Conv", {"X", "w"}, {"Y"}, {{"pads", std::vector<int64_t>{1, 1, 1, 1}}});
  return b.finish("Y");
}

// Smooth images: a few channels' worth of low-frequency waves mixed into
// every channel, so a 3x3 window's inputs are strongly correlated, as a
// network's activations are.
Tensor smooth_images(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.f, 1.f);
  Tensor t(DType::kFloat32, {n, kChannels, kSide, kSide});
  float* x = t.data<float>();
  for (int i = 0; i < n; ++i) {
    const float a = d(rng), b = d(rng), fx = 0.3f + 0.1f * d(rng), fy = 0.3f + 0.1f * d(rng);
    std::vector<float> mix(kChannels * 2);
    for (float& m : mix) m = d(rng);
    for (int c = 0; c < kChannels; ++c)
      for (int y = 0; y < kSide; ++y)
        for (int xx = 0; xx < kSide; ++xx)
          *x++ = 0.6f * (mix[2 * c] * a * std::sin(fx * xx + fy * y) +
                         mix[2 * c + 1] * b * std::cos(fy * xx - fx * y)) +
                 0.02f * d(rng);
  }
  return t;
}

Tensor images_slice(const Tensor& t, int first, int count) {
  const int64_t per = t.size() / t.dim(0);
  Tensor s(DType::kFloat32, {count, t.dim(1), t.dim(2), t.dim(3)});
  std::copy_n(t.data<float>() + first * per, count * per, s.data<float>());
  return s;
}

ModelOptions four_bit(WeightQuantizer q) {
  ModelOptions o;
  o.mode = ExecMode::kAnalog;
  o.analog = analog_preset("ideal");
  o.analog.weight_bits = 4;
  o.analog.weight_quantizer = q;
  return o;
}

const InputMoments& only_block(const LayerMoments& m) {
  EXPECT_EQ(m.size(), 1u);
  EXPECT_EQ(m.begin()->second.size(), 1u);
  return m.begin()->second.at(0);
}

TEST(AnalogGptq, MomentsDoNotDependOnThreadsOrBatching) {
  for (const Graph& g : {int8_conv(), float_conv()}) {
    SCOPED_TRACE(g.source);
    const Model twin = Model::from_graph(g, gptq_twin_options(four_bit(WeightQuantizer::kGptq)));
    const Tensor x = smooth_images(4, 5);
    const LayerMoments one = twin.input_moments({x}, 1), three = twin.input_moments({x}, 3);
    const InputMoments& m = only_block(one);
    EXPECT_EQ(m.k, kChannels * 9);
    EXPECT_EQ(m.jobs, 4 * kSide * kSide);
    EXPECT_EQ(m.weights_nk.size(), std::size_t(m.n) * m.k);
    EXPECT_GT(m.xx[0], 0);
    EXPECT_EQ(m.xx, only_block(three).xx);
    // Two batches of two images sum to the batch of four, exactly.
    const InputMoments a = only_block(twin.input_moments({images_slice(x, 0, 2)}, 2));
    const InputMoments b = only_block(twin.input_moments({images_slice(x, 2, 2)}, 1));
    for (std::size_t i = 0; i < m.xx.size(); ++i) ASSERT_EQ(a.xx[i] + b.xx[i], m.xx[i]);
  }
}

double squared_distance(const Tensor& a, const Tensor& b) {
  double sum = 0;
  for (int64_t i = 0; i < a.size(); ++i) {
    const double d = a.data<float>()[i] - b.data<float>()[i];
    sum += d * d;
  }
  return sum;
}

TEST(AnalogGptq, FourBitOutputsAreCloserToDigitalThanRounding) {
  for (const Graph& g : {int8_conv(), float_conv()}) {
    SCOPED_TRACE(g.source);
    ModelOptions gptq = four_bit(WeightQuantizer::kGptq);
    const Model twin = Model::from_graph(g, gptq_twin_options(gptq));
    const WeightLevelTable levels =
        gptq_weight_levels(twin.input_moments({smooth_images(16, 7)}, 2), gptq.analog);
    ASSERT_EQ(levels.blocks().size(), 1u);
    gptq.weight_levels = std::make_shared<const WeightLevelTable>(levels);
    const ModelOptions exact =
        g.source == "gptq_conv.onnx" ? ModelOptions{} : testing::float_mode();
    const Tensor x = smooth_images(8, 8);  // not the calibration images
    const Tensor want = Model::from_graph(g, exact).run({x}).outputs.at(0);
    const double rounded = squared_distance(
        Model::from_graph(g, four_bit(WeightQuantizer::kRound)).run({x}).outputs.at(0), want);
    const Model compensated = Model::from_graph(g, gptq);
    const Tensor y = compensated.run({x}).outputs.at(0);
    EXPECT_LT(squared_distance(y, want), 0.7 * rounded);
    // Bit-reproducible for any thread count.
    RunContext three;
    three.threads = 3;
    EXPECT_TRUE(testing::same_bits(compensated.run({x}, three).outputs.at(0), y));
  }
}

TEST(AnalogGptq, LevelsDoNotDependOnThreads) {
  const ModelOptions gptq = four_bit(WeightQuantizer::kGptq);
  const Model twin = Model::from_graph(int8_conv(), gptq_twin_options(gptq));
  const Tensor x = smooth_images(6, 9);
  EXPECT_EQ(gptq_weight_levels(twin.input_moments({x}, 1), gptq.analog),
            gptq_weight_levels(twin.input_moments({x}, 3), gptq.analog));
}

TEST(AnalogGptq, AGptqModelWithoutLevelsIsRefusedNamingTheKey) {
  try {
    Model::from_graph(int8_conv(), four_bit(WeightQuantizer::kGptq));
    FAIL() << "no BadInput";
  } catch (const BadInput& e) {
    EXPECT_NE(std::string(e.what()).find("weight_quantizer"), std::string::npos) << e.what();
  }
  // At 8 bits an int8 model keeps its own weights: nothing to quantize.
  ModelOptions eight = four_bit(WeightQuantizer::kGptq);
  eight.analog.weight_bits = 8;
  EXPECT_NO_THROW(Model::from_graph(int8_conv(), eight));
}

TEST(AnalogGptq, GptqParametersAreWrittenOnlyWithGptq) {
  const nlohmann::json round = analog_config_to_json(analog_preset("ideal"));
  EXPECT_EQ(round["weight_quantizer"], "round");
  EXPECT_FALSE(round.contains("gptq_damping"));
  EXPECT_FALSE(round.contains("gptq_images"));
  AnalogConfig c = analog_preset("ideal");
  c.weight_quantizer = WeightQuantizer::kGptq;
  const nlohmann::json gptq = analog_config_to_json(c);
  EXPECT_EQ(gptq["weight_quantizer"], "gptq");
  EXPECT_EQ(gptq["gptq_damping"], 0.01);
  EXPECT_EQ(gptq["gptq_images"], 32);
  EXPECT_EQ(analog_config_to_json(analog_config_from_json(gptq, "cfg.json")), gptq);
}

}  // namespace
}  // namespace aimc
