// Presets by name from the command line (embedded in the binary, so they work
// from any directory): `--hw seed-cluster` is the default hardware, `--analog
// ima-paper` the IMA's configuration, and preset-style files with a bad key
// are refused naming the file and the key.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/cli_runner.h"
#include "support/shared_data.h"

namespace aimc::testing {
namespace {

TEST(CliPresets, HwSeedClusterIsTheDefaultHardware) {
  ScratchDir dir("presethw");
  const auto a = dir / "a.json", b = dir / "b.json";
  CliResult r = run_aimc(
      "timing --spec mobilenetv2-paper --hw seed-cluster --json '" + a.string() + "'", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_aimc("timing --spec mobilenetv2-paper --json '" + b.string() + "'", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto ja = nlohmann::json::parse(slurp(a));
  EXPECT_EQ(ja, nlohmann::json::parse(slurp(b)));
  EXPECT_EQ(ja["hardware"]["weight_bits"], 4);
  EXPECT_EQ(ja["hardware"]["ima_rows"], 256);
  r = run_aimc("timing --hw warp-core", dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("warp-core"), std::string::npos) << r.err;
}

TEST(CliPresets, AnalogImaPaperIsTheImasConfiguration) {
  ScratchDir dir("presetima");
  const auto out = dir / "e.json";
  const CliResult r = run_aimc(
      "eval --mode analog --analog ima-paper --set calibration_images=1 --calibration '" +
          shared_path("data/imagenet-sample") + "' --limit 1 --json '" + out.string() + "'",
      dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto a = nlohmann::json::parse(slurp(out))["config"]["analog"];
  EXPECT_EQ(a["tile_rows"], 256);
  EXPECT_EQ(a["tile_cols"], 256);
  EXPECT_EQ(a["dac_bits"], 8);
  EXPECT_EQ(a["adc_bits"], 8);
  EXPECT_EQ(a["weight_bits"], 4);
  EXPECT_EQ(a["device"], "pcm");
  EXPECT_EQ(a["adc_range"], "calibrated");
  EXPECT_EQ(a["drift_compensation"], "global");
}

TEST(CliPresets, PresetStyleFilesWithABadKeyNameTheFileAndKey) {
  ScratchDir dir("presetbad");
  struct Case {
    std::string file, json, key;
  };
  for (const Case& c :
       {Case{"typo.json", R"({"hardware": "seed-cluster", "tile_rowz": 1})", "tile_rowz"},
        Case{"hw.json", R"({"hardware": "warp-core"})", "hardware"},
        Case{"preset.json", R"({"preset": "ima-papers"})", "preset"}}) {
    write_bytes(dir / c.file, c.json);
    const auto out = dir / "e.json";
    const CliResult r = run_aimc("eval --mode analog --analog '" + (dir / c.file).string() +
                                     "' --limit 1 --json '" + out.string() + "'",
                                 dir.path());
    EXPECT_EQ(r.exit_code, 2) << c.file << ": " << r.err;
    EXPECT_NE(r.err.find(c.file), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.key), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
}

}  // namespace
}  // namespace aimc::testing
