// Every input a fuzzer once crashed on (tests/fuzz/regressions/<target>/)
// is refused through the command line as a user would meet it: exit code 2,
// the file and the cause named, no output file left behind. The ONNX ones are
// in cli_hostile_model_test.cpp; scripts/fuzz.sh also replays all of them
// through their instrumented fuzz targets.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "support/cli_runner.h"

namespace aimc::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kRegressions = fs::path(testing::source_dir_path()) / "tests/fuzz/regressions";

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

class CliFuzzRegressions : public ::testing::Test {
 protected:
  ScratchDir dir{"fuzzreg"};

  // Runs `args`, expects a refusal naming `file` and `cause`, and no `output`.
  void expect_refused(const std::string& args, const fs::path& file, const std::string& cause,
                      const fs::path& output) {
    SCOPED_TRACE(file.filename().string());
    const CliResult r = run_aimc(args, dir.path());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(file.filename().string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(cause), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(output)) << "partial output left behind";
  }

  // Every file of one regression folder must have an expected cause.
  static void expect_all_covered(const std::string& target,
                                 const std::map<std::string, std::string>& causes) {
    int files = 0;
    for (const auto& e : fs::directory_iterator(kRegressions / target)) {
      EXPECT_TRUE(causes.count(e.path().filename().string()))
          << e.path() << " has no CLI regression test";
      ++files;
    }
    EXPECT_EQ(files, static_cast<int>(causes.size()));
  }
};

TEST_F(CliFuzzRegressions, ImagesAreRefusedAsCorrupt) {
  const std::map<std::string, std::string> causes = {
      {"jpeg_dht_more_than_256_codes.jpg", "a Huffman table (DHT) declares more than 256 codes"},
      {"png_4294967295x4294967100_pixel_count_overflow.png", "corrupt PNG"},
      {"png_idat_length_past_end_of_file.png", "runs past the end of the file"},
  };
  expect_all_covered("fuzz_image", causes);
  for (const auto& [name, cause] : causes) {
    const fs::path image = kRegressions / "fuzz_image" / name;
    const fs::path json = dir / "classify.json";
    expect_refused("classify --image " + q(image) + " --json " + q(json), image, cause, json);
  }
}

TEST_F(CliFuzzRegressions, HostileAnalogConfigsAreRefused) {
  const std::map<std::string, std::string> causes = {
      {"device_table_nested_15000_deep.json", "nested more than 32 levels deep"},
      // "device_table": "" names the configuration's own folder, which
      // libstdc++'s filebuf threw on from inside the JSON parser.
      {"device_table_names_the_folder.json", "is a directory, not a file"},
  };
  expect_all_covered("fuzz_analog_config", causes);
  for (const auto& [name, cause] : causes) {
    const fs::path config = kRegressions / "fuzz_analog_config" / name;
    const fs::path json = dir / "eval.json";
    expect_refused("eval --mode analog --analog " + q(config) + " --limit 1 --json " + q(json),
                   config, cause, json);
  }
}

TEST_F(CliFuzzRegressions, HostileSweepGridsAreRefused) {
  const std::map<std::string, std::string> causes = {
      {"grid_16_lists_of_4_values.json", "the grid has more than 10000 points"},
      {"grid_value_nested_15000_deep.json", "nested more than 32 levels deep"},
  };
  expect_all_covered("fuzz_sweep_grid", causes);
  for (const auto& [name, cause] : causes) {
    const fs::path grid = kRegressions / "fuzz_sweep_grid" / name;
    const fs::path results = dir / "results.jsonl";
    expect_refused("sweep --grid " + q(grid) + " --out " + q(results) + " --limit 1", grid, cause,
                   results);
  }
}

}  // namespace
}  // namespace aimc::testing
