// Calibration is never evaluation: eval, sweep and sensitivity of the
// calibration directory leave its calibration split out in every mode (and
// say so), --limit counts evaluation images, calibration from elsewhere
// leaves out nothing, the split is recorded (a sweep of another split is
// not resumed), and a bad --calibration-every is exit 2 naming it.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/cli_runner.h"
#include "support/shared_data.h"

namespace aimc::testing {
namespace {

namespace fs = std::filesystem;

class CliCalibrationSplit : public ::testing::Test {
 protected:
  // "split": the first 17 shared images, with the three of the calibration
  // split (0, 8 and 16 in path order) corrupt, so that evaluating any of
  // them fails; "clean": the first 9, all readable.
  void SetUp() override {
    std::vector<fs::path> shared;
    for (const auto& e : fs::directory_iterator(shared_path("data/imagenet-sample")))
      shared.push_back(e.path());
    std::sort(shared.begin(), shared.end());
    fs::create_directories(dir / "split");
    fs::create_directories(dir / "clean");
    for (std::size_t i = 0; i < 17; ++i) {
      const fs::path name = shared[i].filename();
      if (i % 8 == 0)
        write_bytes(dir / "split" / name, "not a JPEG");
      else
        fs::create_symlink(shared[i], dir / "split" / name);
      if (i < 9) fs::create_symlink(shared[i], dir / "clean" / name);
    }
    first_ = shared[0].filename().string();
  }
  std::string path(const std::string& name) const { return (dir / name).string(); }
  // `aimc eval` on `images` with calibration from `calibration`.
  CliResult eval(const std::string& images, const std::string& calibration,
                 const std::string& extra = "") const {
    return run_aimc("eval --threads 2 --images '" + images + "' --calibration '" + calibration +
                        "' --json '" + path("e.json") + "' " + extra,
                    dir.path());
  }
  nlohmann::json eval_json() const { return nlohmann::json::parse(slurp(dir / "e.json")); }

  ScratchDir dir{"calsplit"};
  std::string first_;  // the first image's name: corrupt in "split"
};

TEST_F(CliCalibrationSplit, EvalLeavesOutExactlyTheSplitInEveryMode) {
  const std::string split = path("split");
  CliResult r = eval(split, split, "--mode digital");
  ASSERT_EQ(r.exit_code, 0) << r.err;  // no corrupt image was read
  EXPECT_NE(r.out.find("images  14 (every 8th image of " + split + " is kept for calibration)"),
            std::string::npos)
      << r.out;
  nlohmann::json j = eval_json();
  EXPECT_EQ(j["images"], 14);  // 17 − 3
  EXPECT_EQ(
      j["calibration_split"],
      (nlohmann::json{
          {"source", split}, {"every", 8}, {"images", 3}, {"excluded_from_evaluation", true}}));
  // Float and analog mode report on the same images.
  r = eval(split, split, "--mode float --limit 3 --model '" + fp32_model_path() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(eval_json()["images"], 3);
  r = eval(split, split, "--mode analog --analog ideal --limit 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(eval_json()["images"], 2);
  // Every 4th: images 0, 4, 8, 12 and 16 are set aside (4 and 12 readable).
  r = eval(split, split, "--calibration-every 4 --limit 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(eval_json()["calibration_split"]["images"], 5);
}

// Nine evaluation images are images 1–7, 9 and 10: had --limit counted the
// directory's images, only 7 would be left; had nothing been left out, the
// corrupt first image would be read.
TEST_F(CliCalibrationSplit, LimitCountsEvaluationImages) {
  const CliResult r = eval(path("split"), path("split"), "--limit 9");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(eval_json()["images"], 9);
}

TEST_F(CliCalibrationSplit, CalibrationElsewhereLeavesOutNothing) {
  CliResult r = eval(path("clean"), path("split"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = eval_json();
  EXPECT_EQ(j["images"], 9);
  EXPECT_EQ(j["calibration_split"]["excluded_from_evaluation"], false);
  EXPECT_EQ(r.out.find("kept for calibration"), std::string::npos) << r.out;
  // Calibration from one image (or anything but the directory): the
  // corrupt first image is evaluated, and refused by name.
  r = eval(path("split"), path("clean") + "/" + first_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(first_), std::string::npos) << r.err;
}

TEST_F(CliCalibrationSplit, BadCalibrationEveryIsRefusedNamingIt) {
  write_bytes(dir / "grid.json", R"({"analog": "ideal", "grid": {"adc_bits": [8]}})");
  const std::string out = path("out.json");
  for (const std::string value : {"1", "0", "-8", "x", "8.5", "8x", "''"}) {
    for (const std::string& command :
         {"eval --limit 1 --json '" + out + "'",
          "sensitivity --analog ideal --limit 1 --json '" + out + "'",
          "sweep --limit 1 --grid '" + path("grid.json") + "' --out '" + out + "'"}) {
      const CliResult r = run_aimc(command + " --calibration-every " + value, dir.path());
      EXPECT_EQ(r.exit_code, 2) << command << " " << value;
      EXPECT_NE(r.err.find("--calibration-every"), std::string::npos) << r.err;
      EXPECT_FALSE(fs::exists(out)) << command << " " << value;
    }
  }
}

// The split is part of what a sweep's results depend on: recorded in the
// header, and a results file of another split is never resumed.
TEST_F(CliCalibrationSplit, SweepRecordsTheSplitAndAnotherOneIsNotResumed) {
  write_bytes(dir / "grid.json", R"({"analog": "ideal", "grid": {"adc_bits": [8]}})");
  const std::string clean = path("clean");
  const std::string sweep = "sweep --threads 2 --limit 2 --images '" + clean + "' --calibration '" +
                            clean + "' --grid '" + path("grid.json") + "' --out '" +
                            path("s.jsonl") + "'";
  CliResult r = run_aimc(sweep, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("sweep: evaluated on 2 images (every 8th image of " + clean +
                       " is kept for calibration)"),
            std::string::npos)
      << r.err;
  std::istringstream lines(slurp(dir / "s.jsonl"));
  std::string first;
  std::getline(lines, first);
  const auto header = nlohmann::json::parse(first);
  EXPECT_EQ(
      header["sweep"]["calibration_split"],
      (nlohmann::json{
          {"source", clean}, {"every", 8}, {"images", 2}, {"excluded_from_evaluation", true}}));
  EXPECT_EQ(header["sweep"]["image_count"], 2);
  const std::string before = slurp(dir / "s.jsonl");
  r = run_aimc(sweep + " --calibration-every 4", dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("different sweep"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(dir / "s.jsonl"), before);  // never mixed
  r = run_aimc(sweep, dir.path());            // the same split resumes: nothing left to do
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(slurp(dir / "s.jsonl"), before);
}

}  // namespace
}  // namespace aimc::testing
