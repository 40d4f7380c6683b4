// The presets embedded from engine/presets/: loaded by name, the ima-paper
// configuration taking its IMA from the hardware description, and preset-
// style files refused naming the file and the key.
#include "engine/presets.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "engine/hardware/hardware.h"
#include "support/cli_runner.h"

namespace aimc {
namespace {

std::string write(const testing::ScratchDir& dir, const std::string& name,
                  const std::string& text) {
  testing::write_bytes(dir / name, text);
  return (dir / name).string();
}

std::string refusal(const std::function<void()>& f) {
  try {
    f();
  } catch (const BadInput& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(Presets, EmbeddedByNameAndComplete) {
  EXPECT_EQ(analog_preset_names(),
            (std::vector<std::string>{"aihwkit-standard", "ideal", "ima-paper"}));
  EXPECT_EQ(hardware_preset_names(),
            (std::vector<std::string>{"alpine-hp", "alpine-lp", "seed-cluster"}));
  EXPECT_EQ(presets::path("analog", "ideal"), "engine/presets/analog/ideal.json");
  EXPECT_FALSE(presets::find("analog", "no-such-preset"));
  // The seed cluster gives every key: it is the defaults' only source.
  const auto seed = presets::find("hardware", "seed-cluster");
  ASSERT_TRUE(seed);
  const nlohmann::json schemas = hardware_schema();
  for (const auto& [key, schema] : schemas.items()) EXPECT_TRUE(seed->contains(key)) << key;
  EXPECT_EQ(hardware_to_json(load_hardware("seed-cluster")), hardware_to_json(Hardware{}));
  const std::string e = refusal([] { load_hardware("warp-core"); });
  EXPECT_NE(e.find("--hw"), std::string::npos) << e;
  EXPECT_NE(e.find("warp-core"), std::string::npos) << e;
}

TEST(Presets, ImaPaperTakesTheImaFromTheHardwareDescription) {
  const AnalogConfig c = analog_preset("ima-paper");
  const Hardware h;
  EXPECT_EQ(c.tile_rows, h.ima_rows);
  EXPECT_EQ(c.tile_cols, h.ima_cols);
  EXPECT_EQ(c.dac.bits, h.dac_bits);
  EXPECT_EQ(c.adc_bits, h.adc_bits);
  EXPECT_EQ(c.weight_bits, h.weight_bits);
  // Another hardware file changes those five and nothing else.
  testing::ScratchDir dir("presets");
  write(dir, "small.json", R"({"ima_rows": 128, "ima_cols": 64, "dac_bits": 6,
                               "adc_bits": 5, "weight_bits": 3})");
  const std::string cfg = write(dir, "cfg.json", R"({"hardware": "small.json", "device": "pcm"})");
  const AnalogConfig s = load_analog_config(cfg);
  EXPECT_EQ(s.tile_rows, 128);
  EXPECT_EQ(s.tile_cols, 64);
  EXPECT_EQ(s.dac.bits, 6);
  EXPECT_EQ(s.adc_bits, 5);
  EXPECT_EQ(s.weight_bits, 3);
  // Keys of the configuration itself win over the hardware's.
  const std::string over =
      write(dir, "over.json", R"({"hardware": "seed-cluster", "tile_rows": 64})");
  EXPECT_EQ(load_analog_config(over).tile_rows, 64);
  EXPECT_EQ(load_analog_config(over).weight_bits, 4);
}

TEST(Presets, PresetStyleFilesWithBadKeysNameTheFileAndKey) {
  testing::ScratchDir dir("presets");
  struct Case {
    std::string file, json, names_file, key;
  };
  for (const Case& c : {
           Case{"typo.json", R"({"hardware": "seed-cluster", "tile_rowz": 1})", "typo.json",
                "tile_rowz"},
           Case{"hw.json", R"({"hardware": "warp-core"})", "hw.json", "hardware"},
           Case{"hwtype.json", R"({"hardware": 5})", "hwtype.json", "hardware"},
           Case{"preset.json", R"({"preset": "no-such-preset"})", "preset.json", "preset"},
           Case{"nohw.json", R"({"hardware": "missing.json"})", "nohw.json", "missing.json"},
           Case{"badhw.json", R"({"hardware": "bad-hw.json"})", "bad-hw.json", "ima_rowz"},
       }) {
    SCOPED_TRACE(c.file);
    write(dir, "bad-hw.json", R"({"ima_rowz": 128})");
    const std::string path = write(dir, c.file, c.json);
    const std::string e = refusal([&] { load_analog_config(path); });
    EXPECT_NE(e.find(c.names_file), std::string::npos) << e;
    EXPECT_NE(e.find(c.key), std::string::npos) << e;
  }
  const std::string e = refusal([] { load_analog_config("ideal", {"tile_rowz=3"}); });
  EXPECT_NE(e.find("--set"), std::string::npos) << e;
  EXPECT_NE(e.find("tile_rowz"), std::string::npos) << e;
}

}  // namespace
}  // namespace aimc
