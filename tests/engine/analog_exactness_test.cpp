// The exactness property (docs/ARCHITECTURE.md, Analog MVM) on MobileNetV2: with the ideal device,
// an ADC wide enough with range `max` and an 8-bit DAC, the analog path equals the digital path bit
// for bit, layer by layer.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
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
  analog.analog.device = "ideal";
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
  analog.analog.device = "pcm";
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

// The lowered convs in graph order with their group count.
std::vector<const Node*> convs(const Model& m) {
  std::vector<const Node*> out;
  for (const auto& n : m.graph().nodes)
    if (n.op_type == "QConv") out.push_back(&n);
  return out;
}

ModelOptions ideal_analog() {
  ModelOptions o;
  o.mode = ExecMode::kAnalog;
  o.analog.adc_bits = 28;
  return o;
}

TEST(AnalogExactness, DepthwiseOnTheCrossbarInCjobBlocksIsExactToo) {
  const auto crops = testing::read_binary(testing::shared_path("reference/crops_u8.bin"));
  const Tensor input = testing::reference_input_from_crops(crops.data(), 1);
  const LayerBytes want = run_layers(Model::load(testing::qdq_model_path()), input, 0);
  for (int cjob : {8, 16}) {
    ModelOptions o = ideal_analog();
    o.analog.placement.depthwise_cjob = cjob;
    const LayerBytes got = run_layers(Model::load(testing::qdq_model_path(), o), input, 0);
    for (const auto& [name, bytes] : want)
      EXPECT_TRUE(got.at(name) == bytes) << "cjob " << cjob << ": layer " << name << " differs";
  }
}

TEST(AnalogExactness, PlacementDecidesWhichLayersSeeTheDevices) {
  const auto crops = testing::read_binary(testing::shared_path("reference/crops_u8.bin"));
  const Tensor input = testing::reference_input_from_crops(crops.data(), 1);
  const Model digital = Model::load(testing::qdq_model_path());
  const LayerBytes want = run_layers(digital, input, 0);
  const auto nodes = convs(digital);
  const Node* first_conv = nodes.at(0);  // 3×3 stem conv, group 1
  const Node* first_dw = nullptr;        // the first depthwise conv
  for (const Node* n : nodes)
    if (n->attr_int("group", 1) > 1) {
      first_dw = n;
      break;
    }
  ASSERT_NE(first_dw, nullptr);
  ModelOptions o;
  o.mode = ExecMode::kAnalog;
  o.analog.device = "pcm";
  o.analog.adc_bits = 16;
  o.analog.seed = 3;
  // Only depthwise convs on the crossbar: the stem conv stays exact, the
  // first depthwise conv does not.
  o.analog.placement = {false, false, false, 8, {}, {}};
  LayerBytes got = run_layers(Model::load(testing::qdq_model_path(), o), input, 0);
  EXPECT_TRUE(got.at(first_conv->outputs[0]) == want.at(first_conv->outputs[0]));
  EXPECT_FALSE(got.at(first_dw->outputs[0]) == want.at(first_dw->outputs[0]));
  // Default kinds, but the stem conv forced digital by name.
  o.analog.placement = Placement{};
  o.analog.placement.digital_layers = {first_conv->name};
  got = run_layers(Model::load(testing::qdq_model_path(), o), input, 0);
  EXPECT_TRUE(got.at(first_conv->outputs[0]) == want.at(first_conv->outputs[0]));
  // And forced onto the crossbar by name while its kind is digital.
  o.analog.placement = {false, false, false, 0, {first_conv->name}, {}};
  got = run_layers(Model::load(testing::qdq_model_path(), o), input, 0);
  EXPECT_FALSE(got.at(first_conv->outputs[0]) == want.at(first_conv->outputs[0]));
}

TEST(AnalogExactness, ReferenceAnalogKernelsAreExactWithIdealTiles) {
  const auto crops = testing::read_binary(testing::shared_path("reference/crops_u8.bin"));
  const Tensor input = testing::reference_input_from_crops(crops.data(), 1);
  ModelOptions o = ideal_analog();
  o.kernels.flavor = KernelFlavor::kReference;
  const Tensor got = Model::load(testing::qdq_model_path(), o).run({input}).int8_outputs.at(0);
  const Tensor want = Model::load(testing::qdq_model_path()).run({input}).int8_outputs.at(0);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(got.raw()), got.byte_size()),
            std::string(reinterpret_cast<const char*>(want.raw()), want.byte_size()));
}

TEST(AnalogCalibration, RangesAreMeasuredOnceAndThenUsed) {
  const auto crops = testing::read_binary(testing::shared_path("reference/crops_u8.bin"));
  const Tensor calib = testing::reference_input_from_crops(crops.data(), 2);
  const Tensor input = testing::reference_input_from_crops(crops.data() + 2 * 224 * 224 * 3, 1);
  ModelOptions o;
  o.mode = ExecMode::kAnalog;
  o.analog.adc_range = AdcRangeMode::kCalibrated;
  o.analog.adc_percentile = 100;  // the largest |y| seen: never clips on the calibration set
  Model m = Model::load(testing::qdq_model_path(), o);
  ASSERT_TRUE(m.needs_calibration());
  EXPECT_THROW(m.run({input}), BadInput);  // no ranges yet: refused, not guessed
  m.calibrate({calib}, 2);
  int analog_layers = 0;
  for (const auto& n : m.graph().nodes)
    analog_layers += (n.op_type == "QConv" && n.attr_int("group", 1) == 1) || n.op_type == "QGemm";
  EXPECT_EQ(static_cast<int>(m.adc_calibration().layers().size()), analog_layers);
  for (const auto& [layer, ranges] : m.adc_calibration().layers())
    for (double r : ranges) EXPECT_GT(r, 0) << "layer " << layer;
  const Tensor a = m.run({input}).int8_outputs.at(0);
  // Same calibration images, same ranges; a lower percentile, smaller ones.
  Model again = Model::load(testing::qdq_model_path(), o);
  again.calibrate({calib}, 1);
  EXPECT_EQ(again.adc_calibration().layers(), m.adc_calibration().layers());
  o.analog.adc_percentile = 99;
  Model lower = Model::load(testing::qdq_model_path(), o);
  lower.calibrate({calib}, 2);
  for (const auto& [layer, ranges] : lower.adc_calibration().layers())
    for (std::size_t i = 0; i < ranges.size(); ++i)
      EXPECT_LE(ranges[i], m.adc_calibration().layers().at(layer)[i]);
  // An 8-bit calibrated ADC keeps the prediction of the ideal path on this
  // image (top-1 of the int8 logits).
  const Tensor d = Model::load(testing::qdq_model_path()).run({input}).int8_outputs.at(0);
  auto argmax = [](const Tensor& t) {
    const int8_t* p = t.data<int8_t>();
    return std::max_element(p, p + t.size()) - p;
  };
  EXPECT_EQ(argmax(a), argmax(d));
}

TEST(AnalogCalibration, CalibratedAtProgrammingKeepsTheFreshChipsRanges) {
  const auto crops = testing::read_binary(testing::shared_path("reference/crops_u8.bin"));
  const Tensor calib = testing::reference_input_from_crops(crops.data(), 1);
  ModelOptions o;
  o.mode = ExecMode::kAnalog;
  o.analog.device = "pcm";
  o.analog.seed = 3;
  o.analog.adc_range = AdcRangeMode::kCalibrated;
  o.analog.calibration_images = 1;
  Model fresh = Model::load(testing::qdq_model_path(), o);  // t = 0, no compensation
  fresh.calibrate({calib}, 2);
  o.analog.t_inf = 86400;
  o.analog.compensation = DriftCompensation::kGlobal;
  Model drifted = Model::load(testing::qdq_model_path(), o);
  drifted.calibrate({calib}, 2);
  // Measured on the drifted chip: the currents, hence the ranges, shrink.
  ASSERT_EQ(drifted.adc_calibration().layers().size(), fresh.adc_calibration().layers().size());
  int smaller = 0, total = 0;
  for (const auto& [layer, ranges] : drifted.adc_calibration().layers())
    for (std::size_t i = 0; i < ranges.size(); ++i, ++total)
      smaller += ranges[i] < fresh.adc_calibration().layers().at(layer)[i];
  EXPECT_GT(smaller, total * 9 / 10);
  // Calibrated at programming: exactly the fresh chip's ranges, at 1 day.
  o.analog.adc_calibrated_at = AdcCalibrationTime::kAtProgramming;
  Model deployed = Model::load(testing::qdq_model_path(), o);
  deployed.calibrate({calib}, 1);
  EXPECT_EQ(deployed.adc_calibration().layers(), fresh.adc_calibration().layers());
  // ... and the same calibration chip, the key a sweep shares ranges under.
  ASSERT_NE(fresh.analog_config(), nullptr);
  EXPECT_EQ(analog_config_to_json(calibration_chip(o.analog)),
            analog_config_to_json(calibration_chip(*fresh.analog_config())));
}

}  // namespace
}  // namespace aimc
