// The per-output-channel affine correction (docs/ARCHITECTURE.md, Affine correction) on
// MobileNetV2: fitted on calibration crops 96..99, judged on crops 0..3 (calibration is never
// evaluation). It must bring a drifted, uncompensated chip's logits back towards digital, be the
// same for any thread count, leave ideal tiles as they are, and refuse to run unfitted.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/error.h"
#include "engine/model.h"
#include "support/shared_data.h"

namespace aimc {
namespace {

constexpr int kCrop = 224 * 224 * 3;
constexpr int kFineAdcBits = 28;  // the converters of the `ideal` preset

Tensor crops(int first, int count) {
  static const auto bytes = testing::read_binary(testing::shared_path("reference/crops_u8.bin"));
  return testing::reference_input_from_crops(bytes.data() + int64_t{first} * kCrop, count);
}

ModelOptions drifted_pcm(bool affine) {
  ModelOptions o;
  o.mode = ExecMode::kAnalog;
  o.analog.device = "pcm";
  o.analog.adc_bits = kFineAdcBits;
  o.analog.t_inf = 86400;  // a day of drift, no compensation: every output shrinks
  // Drift alone: programming and read noise, which no gain undoes, are off.
  o.analog.pcm.prog_noise_scale = o.analog.pcm.read_noise_scale = 0;
  o.analog.seed = 4;
  o.analog.affine_correction = affine;
  return o;
}

// RMS difference of the int8 logits of crops 0..3 from digital mode's.
double logit_rms_error(const Model& m) {
  const Tensor want = Model::load(testing::qdq_model_path()).run({crops(0, 4)}).int8_outputs.at(0);
  const Tensor got = m.run({crops(0, 4)}, RunContext{2, 0}).int8_outputs.at(0);
  double s = 0;
  for (int64_t i = 0; i < want.size(); ++i) {
    const double d = double(got.data<int8_t>()[i]) - want.data<int8_t>()[i];
    s += d * d;
  }
  return std::sqrt(s / double(want.size()));
}

TEST(AffineCorrection, BringsADriftedChipBackTowardsDigital) {
  const Model plain = Model::load(testing::qdq_model_path(), drifted_pcm(false));
  Model corrected = Model::load(testing::qdq_model_path(), drifted_pcm(true));
  ASSERT_TRUE(corrected.needs_calibration());
  corrected.calibrate({crops(96, 4)}, 2);
  const double before = logit_rms_error(plain), after = logit_rms_error(corrected);
  EXPECT_LT(after, 0.5 * before) << "rms logit error " << before << " -> " << after;
  // Gains above 1 undo the shrinking of drift.
  int above = 0, layers = 0;
  for (const auto& [key, v] : corrected.adc_calibration().layers()) {
    ++layers;
    double mean_gain = 0;
    for (std::size_t j = 0; j < v.size() / 2; ++j) mean_gain += v[j] / double(v.size() / 2);
    above += mean_gain > 1.1;
  }
  EXPECT_GT(layers, 30);
  EXPECT_EQ(above, layers);
}

TEST(AffineCorrection, TheSameForAnyThreadCount) {
  Model one = Model::load(testing::qdq_model_path(), drifted_pcm(true));
  Model three = Model::load(testing::qdq_model_path(), drifted_pcm(true));
  one.calibrate({crops(96, 2)}, 1);
  three.calibrate({crops(96, 2)}, 3);
  EXPECT_EQ(one.adc_calibration().layers(), three.adc_calibration().layers());
}

TEST(AffineCorrection, IdealTilesStayExact) {
  ModelOptions o;
  o.mode = ExecMode::kAnalog;
  o.analog.adc_bits = kFineAdcBits;  // ideal tiles, as the `ideal` preset
  o.analog.affine_correction = true;
  Model m = Model::load(testing::qdq_model_path(), o);
  m.calibrate({crops(96, 2)}, 2);
  for (const auto& [key, v] : m.adc_calibration().layers()) {
    for (std::size_t j = 0; j < v.size() / 2; ++j) {
      // What the fine ADC's steps leave in the fit (a channel of small spread
      // gets an offset of an accumulator unit or two); the outputs stay exact.
      EXPECT_NEAR(v[j], 1.0, 1e-3) << key;
    }
  }
  const Tensor want = Model::load(testing::qdq_model_path()).run({crops(0, 2)}).int8_outputs.at(0);
  const Tensor got = m.run({crops(0, 2)}).int8_outputs.at(0);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(got.raw()), got.byte_size()),
            std::string(reinterpret_cast<const char*>(want.raw()), want.byte_size()));
}

TEST(AffineCorrection, RefusesToRunUnfitted) {
  const Model m = Model::load(testing::qdq_model_path(), drifted_pcm(true));
  try {
    m.run({crops(0, 1)});
    FAIL() << "an unfitted correction ran";
  } catch (const BadInput& e) {
    EXPECT_NE(std::string(e.what()).find("affine_correction"), std::string::npos);
  }
}

}  // namespace
}  // namespace aimc
