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
  for (const Case& c : {Case{"unknown.json", R"({"adc_bitz": 8})", "adc_bitz"},
                        Case{"range.json", R"({"adc_bits": 99})", "adc_bits"},
                        Case{"device.json", R"({"device": "memristor-x"})", "device"},
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

}  // namespace
}  // namespace aimc::testing
