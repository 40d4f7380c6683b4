// DESIGN §3's exactness property on MobileNetV2: with the ideal device, an
// ADC wide enough with range `max` and an 8-bit DAC, the analog path equals
// the digital path bit for bit, layer by layer.
#include <gtest/gtest.h>

#include <map>

#include "engine/model.h"
#include "support/shared_data.h"

namespace aimc {
namespace {

using LayerBytes = std::map<std::string, std::string>;

LayerBytes run_layers(const Model& m, const Tensor& input, int64_t first_image) {
  LayerBytes layers;
  RunContext ctx{2, first_image};
  m.run({input}, ctx, [&](const Node& node, std::span<const Tensor> outs) {
    for (std::size_t k = 0; k < outs.size(); ++k) {
      layers[node.outputs[k]] =
          std::string(reinterpret_cast<const char*>(outs[k].raw()), outs[k].byte_size());
    }
  });
  return layers;
}

TEST(AnalogExactness, IdealTilesEqualTheDigitalPathOnEveryLayer) {
  const auto crops = testing::read_binary(testing::shared_path("reference/crops_u8.bin"));
  const int images = testing::kSanitized ? 1 : 2;
  const Tensor input = testing::reference_input_from_crops(crops.data(), images);
  ModelOptions digital;
  ModelOptions analog;
  analog.mode = ExecMode::kAnalog;
  analog.analog.device = AnalogDevice::kIdeal;
  analog.analog.adc_bits = 28;
  analog.analog.adc_range = AdcRangeMode::kMax;
  analog.analog.dac = {8, 255};
  const LayerBytes want = run_layers(Model::load(testing::qdq_model_path(), digital), input, 0);
  const LayerBytes got = run_layers(Model::load(testing::qdq_model_path(), analog), input, 0);
  ASSERT_EQ(got.size(), want.size());
  int compared = 0;
  for (const auto& [name, bytes] : want) {
    ASSERT_TRUE(got.count(name)) << name;
    EXPECT_TRUE(got.at(name) == bytes) << "layer " << name << " differs";
    ++compared;
  }
  EXPECT_GE(compared, 60);
}

TEST(AnalogExactness, NoisyTilesDifferFromDigitalButAreReproducible) {
  const auto crops = testing::read_binary(testing::shared_path("reference/crops_u8.bin"));
  const Tensor input = testing::reference_input_from_crops(crops.data(), 1);
  ModelOptions analog;
  analog.mode = ExecMode::kAnalog;
  analog.analog.device = AnalogDevice::kPcm;
  analog.analog.t_inf = 3600;
  analog.analog.seed = 5;
  const Model m = Model::load(testing::qdq_model_path(), analog);
  const Tensor a = m.run({input}, RunContext{2, 0}).int8_outputs.at(0);
  const Tensor b = m.run({input}, RunContext{1, 0}).int8_outputs.at(0);
  const Tensor d =
      Model::load(testing::qdq_model_path()).run({input}, RunContext{2, 0}).int8_outputs.at(0);
  const std::string sa(reinterpret_cast<const char*>(a.raw()), a.byte_size());
  EXPECT_EQ(sa, std::string(reinterpret_cast<const char*>(b.raw()), b.byte_size()));
  EXPECT_NE(sa, std::string(reinterpret_cast<const char*>(d.raw()), d.byte_size()));
}

}  // namespace
}  // namespace aimc
