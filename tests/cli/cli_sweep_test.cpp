// `aimc sweep`: resumable JSON Lines results (killed with SIGKILL part-way,
// then re-run: identical to an uninterrupted run, no duplicate, no missing
// point), the summary CSV, refusal of bad grids and of a results file made
// by another grid or another preprocessing.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "support/cli_runner.h"
#include "support/shared_data.h"

namespace aimc::testing {
namespace {

constexpr const char* kGrid =
    R"({"analog": "ideal", "grid": {"adc_bits": [5, 8], "dac_bits": [6, 8]}, "seeds": 2})";

std::vector<std::string> lines_of(const std::filesystem::path& p) {
  std::vector<std::string> out;
  std::istringstream in(slurp(p));
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// (point, seed) -> (top1, top5) of every result line; fails on duplicates.
std::map<std::string, std::string> results_of(const std::filesystem::path& p) {
  std::map<std::string, std::string> out;
  const auto lines = lines_of(p);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto j = nlohmann::json::parse(lines[i]);
    const std::string key = j["point"].dump() + "/" + j["seed"].dump();
    EXPECT_EQ(out.count(key), 0u) << "duplicate " << key;
    out[key] = j["top1"].dump() + "/" + j["top5"].dump();
  }
  return out;
}

std::string sweep_args(const ScratchDir& dir, const std::string& out) {
  return "sweep --grid '" + (dir / "grid.json").string() + "' --out '" + (dir / out).string() +
         "' --limit 3 --threads 1";
}

TEST(CliSweep, KilledAndResumedEqualsUninterrupted) {
  ScratchDir dir("sweep");
  write_bytes(dir / "grid.json", kGrid);
  CliResult r = run_aimc(sweep_args(dir, "full.jsonl"), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto full = results_of(dir / "full.jsonl");
  ASSERT_EQ(full.size(), 8u);  // 2 × 2 points × 2 seeds

  // Start the same sweep, kill -9 it once its first result is on disk.
  const auto part = dir / "part.jsonl";
  const std::string start = "(" + std::string(testing::cli_path()) + " " +
                            sweep_args(dir, "part.jsonl") + " >/dev/null 2>&1 & echo $! > '" +
                            (dir / "pid").string() + "')";
  ASSERT_EQ(std::system(start.c_str()), 0);
  bool killed = false;
  for (int i = 0; i < 3000 && !killed; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (std::filesystem::exists(part) && lines_of(part).size() >= 2) {
      const std::string kill = "kill -9 $(cat '" + (dir / "pid").string() + "')";
      ASSERT_EQ(std::system(kill.c_str()), 0);
      killed = true;
    }
  }
  ASSERT_TRUE(killed) << "the sweep never wrote a result";
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto partial = results_of(part);
  EXPECT_GE(partial.size(), 1u);
  EXPECT_LT(partial.size(), 8u) << "killed too late to test resuming";
  // A torn last line (as a kill during a write leaves) is dropped on resume.
  { std::ofstream(part, std::ios::app) << R"({"point": {"adc_bi)"; }
  r = run_aimc(sweep_args(dir, "part.jsonl"), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(results_of(part), full);
  // Re-running a finished sweep computes nothing new.
  r = run_aimc(sweep_args(dir, "part.jsonl"), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines_of(part).size(), 9u);
}

TEST(CliSweep, SummaryHasMeanAndStdPerPoint) {
  ScratchDir dir("sweepsum");
  write_bytes(dir / "grid.json", kGrid);
  const CliResult r = run_aimc(sweep_args(dir, "s.jsonl"), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto csv = lines_of(dir / "s.csv");
  ASSERT_EQ(csv.size(), 5u);  // header + 4 points
  EXPECT_EQ(csv[0], "adc_bits,dac_bits,seeds,images,top1_mean,top1_std,top5_mean,top5_std");
  // The ideal device draws nothing random: both seeds agree, std 0.
  for (std::size_t i = 1; i < csv.size(); ++i) EXPECT_NE(csv[i].find(",2,3,"), std::string::npos);
  std::map<std::string, double> top1;
  for (const auto& line : lines_of(dir / "s.jsonl")) {
    const auto j = nlohmann::json::parse(line);
    if (j.contains("point")) top1[j["point"].dump()] = j["top1"].get<double>();
  }
  EXPECT_EQ(top1.size(), 4u);
}

TEST(CliSweep, MpirunWithTwoRanksGivesTheSingleProcessResults) {
  if (std::system("command -v mpirun >/dev/null 2>&1") != 0) GTEST_SKIP() << "no mpirun";
  ScratchDir dir("sweepmpi");
  // Noisy devices, so that each result depends on its seed and point.
  write_bytes(dir / "grid.json", R"({"analog": {"device": "gaussian", "adc_bits": "ideal"},
      "grid": {"prog_sigma": [0.5, 2.0]}, "seeds": 2})");
  CliResult r = run_aimc(sweep_args(dir, "one.jsonl"), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // OpenMPI leaks by design; the sanitizer build must not fail on that.
  const std::string cmd =
      "ASAN_OPTIONS=detect_leaks=0 mpirun -np 2 --oversubscribe "
      "--allow-run-as-root -x ASAN_OPTIONS " +
      std::string(testing::cli_path()) + " " + sweep_args(dir, "two.jsonl") + " > '" +
      (dir / "mpi.out").string() + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << slurp(dir / "mpi.out");
  EXPECT_NE(slurp(dir / "mpi.out").find("on 2 rank(s)"), std::string::npos)
      << slurp(dir / "mpi.out");
  const auto one = results_of(dir / "one.jsonl"), two = results_of(dir / "two.jsonl");
  EXPECT_EQ(one.size(), 4u);
  EXPECT_EQ(two, one);
  EXPECT_EQ(slurp(dir / "two.csv"), slurp(dir / "one.csv"));
  std::set<std::string> distinct;
  for (const auto& [k, v] : one) distinct.insert(v);
  EXPECT_GT(distinct.size(), 1u) << "the grid should give different accuracies";
}

TEST(CliSweep, ReusedDeviceDrawsGiveTheSameResults) {
  ScratchDir dir("sweepreuse");
  // Under the sanitizers, two points instead of four (the same sharing).
  write_bytes(dir / "grid.json", kSanitized
                                     ? R"({"analog": {"device": "gaussian", "prog_sigma": 0.5},
      "grid": {"read_sigma": [0.1, 1.0]}, "seeds": 1})"
                                     : R"({"analog": {"device": "gaussian", "prog_sigma": 0.5},
      "grid": {"read_sigma": [0.1, 1.0], "adc_bits": [6, 8]}, "seeds": 1})");
  CliResult r = run_aimc(sweep_args(dir, "reuse.jsonl"), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_aimc(sweep_args(dir, "fresh.jsonl") + " --no-reuse", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(results_of(dir / "reuse.jsonl"), results_of(dir / "fresh.jsonl"));
  EXPECT_EQ(results_of(dir / "reuse.jsonl").size(), kSanitized ? 2u : 4u);
}

TEST(CliSweep, PointsSharingACalibrationChipCalibrateOnce) {
  ScratchDir dir("sweepcal");
  // Calibrated at programming: the ranges do not depend on t_inf or the
  // compensation, so the points share one calibration run.
  // Under the sanitizers, t_inf alone: 2 points (the same sharing).
  write_bytes(dir / "grid.json",
              std::string(R"({"analog": {"device": "pcm", "adc_range": "calibrated",
      "adc_calibrated_at": "programming", "calibration_images": 1},
      "grid": {"t_inf": [0, 86400])") +
                  (kSanitized ? "" : R"(, "drift_compensation": ["none", "global"])") +
                  R"(}, "seeds": 1})");
  const std::string points = kSanitized ? "2" : "4";
  CliResult r = run_aimc(sweep_args(dir, "reuse.jsonl") + " --progress", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(points + " items"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" 1 calibration run(s)"), std::string::npos) << r.out;
  // The forced progress bar counts points.
  EXPECT_NE(r.err.find(points + "/" + points + " points"), std::string::npos) << r.err;
  r = run_aimc(sweep_args(dir, "fresh.jsonl") + " --no-reuse", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(" " + points + " calibration run(s)"), std::string::npos) << r.out;
  EXPECT_EQ(results_of(dir / "reuse.jsonl"), results_of(dir / "fresh.jsonl"));
}

TEST(CliSweep, BadGridsAndForeignResultsAreRefused) {
  ScratchDir dir("sweepbad");
  struct Case {
    std::string json, key;
  };
  for (const Case& c : {Case{R"({"grid": {"adc_bitz": [8]}})", "adc_bitz"},
                        Case{R"({"grid": {"adc_bits": []}})", "adc_bits"},
                        Case{R"({"grid": {"adc_bits": 8}})", "adc_bits"},
                        Case{R"({"grid": {"adc_bits": ["eight"]}})", "adc_bits"},
                        Case{R"({"grid": {"t_inf": [0]}, "seeds": 0})", "seeds"},
                        Case{R"({"grid": {"t_inf": [0]}, "colour": "red"})", "colour"}}) {
    write_bytes(dir / "grid.json", c.json);
    const CliResult r = run_aimc(sweep_args(dir, "x.jsonl"), dir.path());
    EXPECT_EQ(r.exit_code, 2) << c.json;
    EXPECT_NE(r.err.find(c.key), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "x.jsonl")) << c.json;
  }
  write_bytes(dir / "grid.json", R"({"analog": "ideal", "grid": {"adc_bits": [8]}})");
  ASSERT_EQ(run_aimc(sweep_args(dir, "r.jsonl"), dir.path()).exit_code, 0);
  const std::string before = slurp(dir / "r.jsonl");
  write_bytes(dir / "grid.json", R"({"analog": "ideal", "grid": {"adc_bits": [7]}})");
  const CliResult r = run_aimc(sweep_args(dir, "r.jsonl"), dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("different sweep"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(dir / "r.jsonl"), before);  // never mixed
}

// The preprocessing is part of what a result depends on: reported, recorded
// in the header, and a results file of another one is never resumed.
TEST(CliSweep, PreprocessingIsRecordedAndAnotherOneIsNotResumed) {
  ScratchDir dir("sweepprep");
  write_bytes(dir / "grid.json", R"({"analog": "ideal", "grid": {"adc_bits": [8]}})");
  const std::string torch = sweep_args(dir, "t.jsonl") + " --limit 2 --preprocess torchvision";
  CliResult r = run_aimc(torch, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("sweep: preprocessing torchvision (--preprocess)"), std::string::npos)
      << r.err;
  const auto lines = lines_of(dir / "t.jsonl");
  ASSERT_EQ(lines.size(), 2u);
  const auto header = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(header["sweep"]["preprocessing"]["name"], "torchvision");
  EXPECT_EQ(header["sweep"]["preprocessing"]["scale"], 255.0);
  EXPECT_EQ(nlohmann::json::parse(lines[1])["images"], 2);
  const std::string before = slurp(dir / "t.jsonl");
  r = run_aimc(sweep_args(dir, "t.jsonl") + " --limit 2", dir.path());  // keras-mobilenet
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("different sweep"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(dir / "t.jsonl"), before);
  r = run_aimc(torch, dir.path());  // the same one resumes: nothing left to do
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(slurp(dir / "t.jsonl"), before);
}

}  // namespace
}  // namespace aimc::testing
