// Float models on crossbar tiles (aihwkit style): inputs scaled per job by
// their largest magnitude onto the DAC grid, weights per column onto the
// conductance range, outputs digitised and scaled back.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/model.h"
#include "support/shared_data.h"

namespace aimc {
namespace {

Tensor logits(const ModelOptions& o, const Tensor& input) {
  return Model::load(testing::fp32_model_path(), o).run({input}, RunContext{2, 0}).outputs.at(0);
}

double relative_rms(const Tensor& a, const Tensor& b) {
  double num = 0, den = 0;
  for (int64_t i = 0; i < a.size(); ++i) {
    num += std::pow(a.data<float>()[i] - b.data<float>()[i], 2);
    den += std::pow(b.data<float>()[i], 2);
  }
  return std::sqrt(num / den);
}

TEST(AnalogFloat, FineConvertersTrackTheFloatModelAndPcmDoesNot) {
  const auto crops = testing::read_binary(testing::shared_path("reference/crops_u8.bin"));
  const Tensor input = testing::reference_input_from_crops(crops.data(), 1);
  ModelOptions f;
  f.mode = ExecMode::kFloat;
  const Tensor want = logits(f, input);
  ModelOptions a;
  a.mode = ExecMode::kAnalog;
  a.analog.dac.bits = 16;
  a.analog.adc_bits = 28;
  a.analog.weight_bits = 16;
  const Tensor fine = logits(a, input);
  EXPECT_LT(relative_rms(fine, want), 2e-3);  // only 16-bit rounding left
  EXPECT_GT(relative_rms(fine, want), 0.0);   // ...but it did run on the tiles
  a.analog.dac.bits = 8;
  a.analog.adc_bits = 8;
  a.analog.weight_bits = 8;
  a.analog.adc_range = AdcRangeMode::kBound;
  a.analog.adc_bound = 10;
  const Tensor coarse = logits(a, input);
  EXPECT_GT(relative_rms(coarse, want), relative_rms(fine, want));
  a.analog.device = "pcm";
  a.analog.t_inf = 86400;
  a.analog.seed = 4;
  const Tensor pcm = logits(a, input), again = logits(a, input);
  EXPECT_GT(relative_rms(pcm, want), relative_rms(coarse, want));
  EXPECT_EQ(relative_rms(pcm, again), 0.0);  // same seed, same logits
}

TEST(AnalogFloat, PlacementCanKeepEveryLayerDigital) {
  const auto crops = testing::read_binary(testing::shared_path("reference/crops_u8.bin"));
  const Tensor input = testing::reference_input_from_crops(crops.data(), 1);
  ModelOptions f;
  f.mode = ExecMode::kFloat;
  ModelOptions a;
  a.mode = ExecMode::kAnalog;
  a.analog.device = "pcm";
  a.analog.placement = {false, false, false, 0, {}, {}};
  EXPECT_EQ(relative_rms(logits(a, input), logits(f, input)), 0.0);
}

}  // namespace
}  // namespace aimc
