// `--mode analog` from the command line: the ideal preset reproduces the
// digital logits, configurations are validated key by key, and the JSON of
// eval records the full effective configuration and seed.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/cli_runner.h"
#include "support/shared_data.h"

namespace aimc::testing {
namespace {

namespace fs = std::filesystem;

TEST(CliAnalog, IdealPresetEqualsDigitalLogits) {
  ScratchDir dir("analog");
  const std::string image = shared_path("data/imagenet-sample/n01443537_goldfish.JPEG");
  std::string out[2];
  int k = 0;
  for (const char* mode : {"digital", "analog --analog ideal"}) {
    const auto path = dir / ("o" + std::to_string(k) + ".bin");
    const CliResult r = run_aimc(std::string("run --mode ") + mode + " --threads 2 --input '" +
                                     image + "' --output '" + path.string() + "'",
                                 dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    out[k++] = slurp(path);
  }
  ASSERT_EQ(out[0].size(), 1000u);
  EXPECT_TRUE(out[0] == out[1]);
}

TEST(CliAnalog, BadConfigurationsAreRefusedNamingFileAndKey) {
  ScratchDir dir("analogcfg");
  const auto out = dir / "o.bin";
  const auto crop = dir / "c.u8";
  const auto crops = read_binary(shared_path("reference/crops_u8.bin"));
  write_bytes(crop, std::string(crops.begin(), crops.begin() + 224 * 224 * 3));
  struct Case {
    std::string file, json, must_mention;
  };
  // Bits 0 or > 16, a negative noise scale, an
  // unknown device, a tile size of 0, an unknown key, a wrong type.
  for (const Case& c :
       {Case{"unknown.json", R"({"adc_bitz": 8})", "adc_bitz"},
        Case{"range.json", R"({"adc_bits": 99})", "adc_bits"},
        Case{"adc0.json", R"({"adc_bits": 0})", "adc_bits"},
        Case{"adc1.json", R"({"adc_bits": 1})", "adc_bits"},
        Case{"dac0.json", R"({"dac_bits": 0})", "dac_bits"},
        Case{"dac17.json", R"({"dac_bits": 17})", "dac_bits"},
        Case{"adc17.json", R"({"adc_bits": 17})", "adc_bits"},
        Case{"wbits.json", R"({"weight_bits": 17})", "weight_bits"},
        Case{"noise.json", R"({"prog_noise_scale": -0.5})", "prog_noise_scale"},
        Case{"outnoise.json", R"({"out_noise": -1})", "out_noise"},
        Case{"calat.json", R"({"adc_calibrated_at": "never"})", "adc_calibrated_at"},
        Case{"device.json", R"({"device": "memristor-x"})", "device"},
        Case{"tile.json", R"({"tile_rows": 0})", "tile_rows"},
        Case{"tilec.json", R"({"tile_cols": 0})", "tile_cols"},
        Case{"type.json", R"({"t_inf": "one day"})", "t_inf"},
        Case{"type2.json", R"({"adc_bits": [8]})", "adc_bits"},
        Case{"bool.json", R"({"placement": {"gemm": 1}})", "placement.gemm"},
        Case{"place.json", R"({"placement": {"dw": 8}})", "placement.dw"},
        Case{"faults.json", R"({"p_stuck_zero": 1.5})", "p_stuck_zero"},
        Case{"quantizer.json", R"({"weight_quantizer": "optq"})", "weight_quantizer"},
        Case{"damping.json", R"({"weight_quantizer": "gptq", "gptq_damping": -0.1})",
             "gptq_damping"},
        Case{"gimages.json", R"({"gptq_images": 0})", "gptq_images"},
        Case{"gorder.json", R"({"weight_quantizer": "gptq", "gptq_order": "sideways"})",
             "gptq_order"},
        Case{"custom.json", R"({"device": "custom"})", "device_table"},
        Case{"table.json",
             R"({"device": "custom", "device_table": {"g": [0, 1],
                                 "prog_sigma": [0.1], "nu_mean": [0, 0], "nu_sigma": [0, 0],
                                 "read_sigma": [0, 0]}})",
             "prog_sigma"},
        Case{"broken.json", R"({"adc_bits": )", "not valid JSON"}}) {
    const auto cfg = dir / c.file;
    write_bytes(cfg, c.json);
    const CliResult r = run_aimc("run --mode analog --analog '" + cfg.string() + "' --input '" +
                                     crop.string() + "' --output '" + out.string() + "'",
                                 dir.path());
    EXPECT_EQ(r.exit_code, 2) << c.file << ": " << r.err;
    EXPECT_NE(r.err.find(c.file), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.must_mention), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
  }
  const CliResult preset = run_aimc("run --mode analog --analog no-such-preset --input '" +
                                        crop.string() + "' --output '" + out.string() + "'",
                                    dir.path());
  EXPECT_EQ(preset.exit_code, 2);
  EXPECT_NE(preset.err.find("no-such-preset"), std::string::npos) << preset.err;
}

TEST(CliAnalog, EvalJsonRecordsTheEffectiveConfigurationAndSeed) {
  ScratchDir dir("analogeval");
  const auto cfg = dir / "pcm.json";
  write_bytes(
      cfg, R"({"device": "pcm", "adc_bits": 12, "t_inf": 3600, "drift_compensation": "global"})");
  const auto out = dir / "e.json";
  const CliResult r = run_aimc("eval --mode analog --analog '" + cfg.string() +
                                   "' --seed 9 --limit 2 --json '" + out.string() + "'",
                               dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(slurp(out));
  EXPECT_EQ(j["mode"], "analog");
  EXPECT_EQ(j["seed"], 9);
  const auto& a = j["config"]["analog"];
  EXPECT_EQ(a["device"], "pcm");
  EXPECT_EQ(a["adc_bits"], 12);
  EXPECT_EQ(a["t_inf"], 3600.0);
  EXPECT_EQ(a["drift_compensation"], "global");
  EXPECT_EQ(a["seed"], 9);
  EXPECT_EQ(a["tile_rows"], 256);  // defaults are recorded too
}

TEST(CliAnalog, SetOverridesAKeyAndBadOverridesNameIt) {
  ScratchDir dir("analogset");
  const auto out = dir / "e.json";
  CliResult r = run_aimc(
      "eval --mode analog --analog ideal --set device=pcm --set t_inf=60 "
      "--limit 1 --json '" +
          out.string() + "'",
      dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(slurp(out));
  EXPECT_EQ(j["config"]["analog"]["device"], "pcm");
  EXPECT_EQ(j["config"]["analog"]["t_inf"], 60.0);
  EXPECT_EQ(j["config"]["analog"]["adc_bits"], "ideal");  // from the preset
  r = run_aimc("eval --mode analog --analog ideal --set adc_bits=0 --limit 1", dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("adc_bits"), std::string::npos) << r.err;
  r = run_aimc("eval --mode analog --analog ideal --set t_inf --limit 1", dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("key=value"), std::string::npos) << r.err;
}

TEST(CliAnalog, BadDriftPredistortionTimesExitTwoNamingTheKey) {
  ScratchDir dir("analogpredistortion");
  for (const std::string value : {"-1", "nan", "NaN", "one-day", "'\"86400\"'"}) {
    SCOPED_TRACE(value);
    const CliResult r = run_aimc(
        "eval --mode analog --analog ideal --set drift_predistortion_time=" + value + " --limit 1",
        dir.path());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("drift_predistortion_time"), std::string::npos) << r.err;
  }
}

TEST(CliAnalog, PresetsRecordTheirSettingsAndCalibratedRanges) {
  ScratchDir dir("analogpreset");
  const auto out = dir / "e.json";
  const std::string images = shared_path("data/imagenet-sample");
  CliResult r = run_aimc(
      "eval --mode analog --analog ima-paper --set calibration_images=2 "
      "--calibration '" +
          images + "' --limit 1 --threads 2 --json '" + out.string() + "'",
      dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(slurp(out));
  const auto& a = j["config"]["analog"];
  EXPECT_EQ(a["device"], "pcm");
  EXPECT_EQ(a["weight_bits"], 4);
  EXPECT_EQ(a["adc_bits"], 8);
  EXPECT_EQ(a["dac_bits"], 8);
  EXPECT_EQ(a["tile_rows"], 256);
  EXPECT_EQ(a["adc_range"], "calibrated");
  EXPECT_EQ(a["drift_compensation"], "global");
  const auto& cal = j["config"]["calibration"];
  // The first two of the calibration split: images 0 and 8 in path order.
  ASSERT_EQ(cal["images"].size(), 2u);
  EXPECT_NE(cal["images"][0].get<std::string>().find("n01440764_tench"), std::string::npos);
  EXPECT_NE(cal["images"][1].get<std::string>().find("n01530575_brambling"), std::string::npos);
  EXPECT_GE(cal["adc_ranges"].size(), 30u);  // one entry per analog layer
  for (const auto& [layer, ranges] : cal["adc_ranges"].items())
    for (const auto& v : ranges) EXPECT_GT(v.get<double>(), 0) << layer;

  r = run_aimc("bench --mode analog --analog aihwkit-standard --batch 1 --iterations 1 --json '" +
                   out.string() + "'",
               dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(slurp(out));
  EXPECT_EQ(j["analog"]["config"]["tile_rows"], 512);
  EXPECT_EQ(j["analog"]["config"]["out_noise"], 0.04);
  EXPECT_EQ(j["analog"]["config"]["adc_range"], "bound");
  EXPECT_GT(j["images_per_second"].get<double>(), 0);
  EXPECT_GT(j["digital_images_per_second"].get<double>(), 0);  // measured in the same run
}

TEST(CliAnalog, CustomDeviceTableFromItsOwnFile) {
  ScratchDir dir("analogcustom");
  write_bytes(dir / "table.json", R"({"g": [0, 0.5, 1], "prog_sigma": [0.1, 0.2, 0.3],
      "nu_mean": [0.05, 0.05, 0.05], "nu_sigma": [0, 0, 0], "read_sigma": [0, 0, 0]})");
  write_bytes(dir / "cfg.json", R"({"device": "custom", "device_table": "table.json",
      "adc_bits": "ideal", "t_inf": 3600})");
  const auto out = dir / "e.json";
  const CliResult r = run_aimc("eval --mode analog --analog '" + (dir / "cfg.json").string() +
                                   "' --limit 1 --json '" + out.string() + "'",
                               dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(slurp(out));
  EXPECT_EQ(j["config"]["analog"]["device"], "custom");
  EXPECT_EQ(j["config"]["analog"]["device_table"]["prog_sigma"][2], 0.3);
}

}  // namespace
}  // namespace aimc::testing
