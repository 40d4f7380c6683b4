// Outputs held to checksums recorded on the code before its restructuring:
// the digital, float and analog paths (several analog configurations, one of
// them the seed cluster's `ima-paper` after a day of drift) must keep every
// output bit while the code around them moves. Calibrated configurations
// measure their ADC ranges on reference crops 96..99 and are checked on
// crops 0..3 (calibration is never evaluation).
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "engine/analog/analog_config_json.h"
#include "engine/model.h"
#include "support/shared_data.h"

namespace aimc {
namespace {

constexpr int kCrop = 224 * 224 * 3;

// FNV-1a over the raw bytes: any changed bit changes the checksum.
std::string fnv1a(const Tensor& t) {
  uint64_t h = 1469598103934665603ull;
  const auto* p = reinterpret_cast<const unsigned char*>(t.raw());
  for (std::size_t i = 0; i < t.byte_size(); ++i) h = (h ^ p[i]) * 1099511628211ull;
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return text;
}

Tensor crops_input(int first, int count) {
  static const auto crops = testing::read_binary(testing::shared_path("reference/crops_u8.bin"));
  return testing::reference_input_from_crops(crops.data() + int64_t{first} * kCrop, count);
}

// Logits of crops 0..3 in two batches of two (the int8 ones in digital mode).
std::string logits_checksum(const Model& m) {
  std::string sums;
  for (int first = 0; first < 4; first += 2) {
    RunContext ctx;
    ctx.threads = 2;
    ctx.first_image = first;
    const ModelOutputs out = m.run({crops_input(first, 2)}, ctx);
    const Tensor& t = out.int8_outputs.empty() || out.int8_outputs[0].empty() ? out.outputs.at(0)
                                                                              : out.int8_outputs[0];
    sums += (sums.empty() ? "" : ":") + fnv1a(t);
  }
  return sums;
}

struct Case {
  std::string name, model, mode, analog_json, expected;
};
// gtest prints a failing parameter with this instead of a byte dump.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::string analog_checksum(const Case& c) {
  ModelOptions opt;
  opt.mode = parse_exec_mode(c.mode);
  if (!c.analog_json.empty())
    opt.analog = analog_config_from_json(nlohmann::json::parse(c.analog_json), c.name);
  const std::string path =
      c.model == "fp32" ? testing::fp32_model_path() : testing::qdq_model_path();
  Model m = Model::load(path, opt);
  if (m.needs_calibration()) m.calibrate({crops_input(96, 4)}, 2);
  return logits_checksum(m);
}

class OutputsUnchanged : public ::testing::TestWithParam<Case> {};

TEST_P(OutputsUnchanged, LogitsEqualRecordedChecksums) {
  // Programming four slices of every weight takes minutes under the
  // sanitizers; slicing and faults are sanitized by the smaller tile tests.
  if (testing::kSanitized && GetParam().name == "GaussianSlicedFaultsCjob16")
    GTEST_SKIP() << "the Release suite checks this configuration";
  EXPECT_EQ(analog_checksum(GetParam()), GetParam().expected);
}

const Case kCases[] = {
    {"Digital", "int8", "digital", "", "d376768cbba08e4d:b46ef3dbd32be134"},
    {"Float", "fp32", "float", "", "c3162a4caf698b6e:1e8d9fa83ef6532a"},
    {"ImaPaperAfterOneDay", "int8", "analog", R"({"preset":"ima-paper","t_inf":86400,"seed":1})",
     "d98dd7674bcd3ac4:f0e47a678600e798"},
    {"AihwkitStandardColumnCompensation", "int8", "analog",
     R"({"preset":"aihwkit-standard","t_inf":3600,"drift_compensation":"column","seed":7})",
     "4ddc64767e9a7de2:c7f5196bca156c9f"},
    {"GaussianSlicedFaultsCjob16", "int8", "analog",
     R"({"device":"gaussian","prog_sigma":0.02,"read_sigma":0.01,"sigma_mode":"relative",
         "slice_bits":2,"weight_bits":8,"p_stuck_zero":0.001,"p_stuck_gmax":0.0005,
         "adc_range":"calibrated","adc_calibrated_at":"programming","adc_bits":10,
         "placement":{"depthwise_cjob":16,"digital_layers":["block_1_project"],"analog_layers":["block_2_depthwise"]},"seed":3})",
     "48040dccecadf8bc:72ff9eb77ad469a4"},
    {"RramTileScaledFixedAdc", "int8", "analog",
     R"({"device":"rram","weight_bits":6,"weight_scaling":"tile","tile_rows":128,"tile_cols":64,
         "adc_range":"max","adc_bits":9,"dac_bits":6,"t_inf":600,"out_noise":0.02,"seed":5})",
     "88131ee2296cf55e:a738753999e7dc06"},
    {"FloatModelOnPcmTiles", "fp32", "analog",
     R"({"device":"pcm","t_inf":86400,"drift_compensation":"global","adc_range":"bound",
         "out_noise":0.04,"seed":2})",
     "0f5378787322066a:becb18b0ed31de9d"},
};

INSTANTIATE_TEST_SUITE_P(Configurations, OutputsUnchanged, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace aimc
