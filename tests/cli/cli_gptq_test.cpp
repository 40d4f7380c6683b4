// weight_quantizer "gptq" through the CLI: eval records that GPTQ was used,
// its cache key hash and calibration images; a second run reads the cache
// file; a corrupted file is recomputed (with a warning) to the same result;
// the points of a sweep share one cache file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/cli_runner.h"
#include "support/shared_data.h"

namespace aimc::testing {
namespace {

namespace fs = std::filesystem;

// Under the sanitizers GPTQ itself is most of the time: only the stem conv
// and the classifier go on tiles there (the same code paths, fewer layers).
const std::string kGptq =
    std::string(
        "--mode analog --analog ideal --set weight_bits=4 --set weight_quantizer=gptq "
        "--set gptq_images=2 --limit 4 --threads 2") +
    (kSanitized ? " --set 'placement={\"pointwise\":false}'" : "");

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) out.push_back(e.path());
  return out;
}

nlohmann::json eval(const ScratchDir& dir, const std::string& json, const std::string& args,
                    std::string* err = nullptr) {
  const CliResult r = run_aimc("eval " + args + " --json '" + (dir / json).string() + "'",
                               dir.path(), "AIMC_CACHE_DIR='" + (dir / "cache").string() + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  if (err) *err = r.err;
  return nlohmann::json::parse(slurp(dir / json));
}

TEST(CliGptq, EvalRecordsItAndTheSecondRunReadsTheCache) {
  ScratchDir dir("gptq");
  const nlohmann::json first = eval(dir, "1.json", kGptq);
  const nlohmann::json& g = first["config"]["gptq"];
  EXPECT_EQ(first["config"]["analog"]["weight_quantizer"], "gptq");
  EXPECT_EQ(g["from_cache"], false);
  EXPECT_EQ(g["images"].size(), 2u);
  const auto cached = files_in(dir / "cache");
  ASSERT_EQ(cached.size(), 1u);
  EXPECT_EQ(cached[0].filename().string(), "gptq-" + g["key_hash"].get<std::string>() + ".bin");

  const nlohmann::json second = eval(dir, "2.json", kGptq);
  EXPECT_EQ(second["config"]["gptq"]["from_cache"], true);
  EXPECT_EQ(second["config"]["gptq"]["key_hash"], g["key_hash"]);
  EXPECT_EQ(second["top1"], first["top1"]);
  EXPECT_EQ(second["top5"], first["top5"]);

  // A truncated file is recomputed to the same levels and written again.
  const std::string bytes = slurp(cached[0]);
  std::ofstream(cached[0], std::ios::binary) << bytes.substr(0, bytes.size() / 3);
  std::string err;
  const nlohmann::json third = eval(dir, "3.json", kGptq, &err);
  EXPECT_NE(err.find("ignoring GPTQ cache file"), std::string::npos) << err;
  EXPECT_EQ(third["config"]["gptq"]["from_cache"], false);
  EXPECT_EQ(third["top1"], first["top1"]);
  EXPECT_EQ(third["top5"], first["top5"]);
  EXPECT_EQ(slurp(cached[0]), bytes);

  // Plain rounding records nothing of GPTQ and writes no cache file.
  const nlohmann::json round =
      eval(dir, "4.json", "--mode analog --analog ideal --set weight_bits=4 --limit 2");
  EXPECT_FALSE(round["config"].contains("gptq"));
  EXPECT_EQ(round["config"]["analog"]["weight_quantizer"], "round");
  EXPECT_EQ(files_in(dir / "cache").size(), 1u);
}

TEST(CliGptq, SweepPointsWithOneKeyShareOneCacheFile) {
  ScratchDir dir("gptqsweep");
  std::ofstream(dir / "grid.json") << R"({"analog": {"preset": "ideal", "weight_bits": 4,
      "weight_quantizer": "gptq", "gptq_images": 2)"
                                   << (kSanitized ? R"(, "placement": {"pointwise": false})" : "")
                                   << R"(}, "grid": {"adc_bits": [6, 8]}, "seeds": 1})";
  const CliResult r = run_aimc("sweep --grid '" + (dir / "grid.json").string() + "' --out '" +
                                   (dir / "r.jsonl").string() + "' --limit 2 --threads 2",
                               dir.path(), "AIMC_CACHE_DIR='" + (dir / "cache").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(files_in(dir / "cache").size(), 1u);
}

}  // namespace
}  // namespace aimc::testing
