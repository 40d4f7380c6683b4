// The sweep's pure pieces: the summary CSV (mean and sample standard
// deviation over seeds, per point in grid order), the seed-major item
// order and the results file's header (preprocessing, calibration split),
// which a resumed file must match.
#include "models/studies/sweep_runner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "engine/error.h"

namespace aimc::models {
namespace {

SweepGrid two_point_grid() {
  return sweep_grid_from_json(
      nlohmann::json::parse(R"({"analog": "ideal", "grid": {"t_inf": [0, 60]}, "seeds": 2})"),
      "grid.json");
}

nlohmann::json result(const SweepGrid& g, int point, int seed, double top1, double top5) {
  return {
      {"point", g.points()[point]}, {"seed", seed}, {"top1", top1}, {"top5", top5}, {"images", 4}};
}

TEST(SweepSummaryCsv, MeanAndSampleStdPerPoint) {
  const SweepGrid g = two_point_grid();
  const std::vector<nlohmann::json> results = {
      result(g, 1, 1, 0.5, 1.0), result(g, 0, 1, 0.75, 1.0), result(g, 1, 2, 0.25, 0.5)};
  EXPECT_EQ(sweep_summary_csv(g, results),
            "t_inf,seeds,images,top1_mean,top1_std,top5_mean,top5_std\n"
            "0,1,4,0.75,0,1,0\n"
            "60,2,4,0.375,0.176777,0.75,0.353553\n");
}

TEST(SweepSummaryCsv, PointsWithoutResultsAreLeftOut) {
  const SweepGrid g = two_point_grid();
  EXPECT_EQ(sweep_summary_csv(g, {}), "t_inf,seeds,images,top1_mean,top1_std,top5_mean,top5_std\n");
}

TEST(SweepSummaryCsv, StringValuesAreWrittenBare) {
  const SweepGrid g = sweep_grid_from_json(
      nlohmann::json::parse(R"({"grid": {"device": ["ideal", "pcm"]}})"), "grid.json");
  const nlohmann::json r = {
      {"point", g.points()[1]}, {"seed", 1}, {"top1", 1.0}, {"top5", 1.0}, {"images", 2}};
  EXPECT_EQ(sweep_summary_csv(g, {r}),
            "device,seeds,images,top1_mean,top1_std,top5_mean,top5_std\n"
            "pcm,1,2,1,0,1,0\n");
}

TEST(SweepItems, SeedMajorOrderKeepsPointOrderWithinASeed) {
  // Items are point × seeds + (seed − 1): 3 points, 2 seeds.
  std::vector<int> items = {0, 1, 2, 3, 4, 5};
  order_seed_major(items, 2);
  EXPECT_EQ(items, (std::vector<int>{0, 2, 4, 1, 3, 5}));
  std::vector<int> some = {5, 1, 2};
  order_seed_major(some, 2);
  EXPECT_EQ(some, (std::vector<int>{2, 1, 5}));
}

SweepSetup setup_of(const Preprocessing& preprocessing = {}) {
  SweepSetup s;
  s.model_path = "m.onnx";
  s.version = "1.2.3";
  s.preprocessing = preprocessing;
  return s;
}

TEST(SweepHeader, NamesEverythingAResultDependsOn) {
  const SweepGrid g = two_point_grid();
  const nlohmann::json h = sweep_header(g, setup_of(), "images/", 16);
  EXPECT_EQ(h["sweep"]["grid"], g.identity());
  EXPECT_EQ(h["sweep"]["model"], "m.onnx");
  EXPECT_EQ(h["sweep"]["images"], "images/");
  EXPECT_EQ(h["sweep"]["image_count"], 16);
  EXPECT_EQ(h["sweep"]["preprocessing"]["name"], "keras-mobilenet");
  EXPECT_EQ(h["sweep"]["preprocessing"]["scale"], 127.5);
  EXPECT_EQ(h["aimc"], "1.2.3");
}

TEST(SweepHeader, RecordsAHandEditedPlacementByItsContent) {
  SweepSetup setup = setup_of();
  setup.placement.entries.push_back({"conv_1", Unit::kCores, 0});
  const nlohmann::json h = sweep_header(two_point_grid(), setup, "images/", 16);
  ASSERT_EQ(h["sweep"]["placement"].size(), 1u);
  EXPECT_EQ(h["sweep"]["placement"][0][0], "conv_1");
  EXPECT_EQ(h["sweep"]["placement"][0][1], unit_name(Unit::kCores));
  EXPECT_FALSE(
      sweep_header(two_point_grid(), setup_of(), "images/", 16)["sweep"].contains("placement"));
}

// Results depend on the input bytes: a results file made with another
// preprocessing (the "sweep" object differs) is refused on resume, while
// where the same preprocessing was chosen does not matter.
TEST(SweepHeader, RecordsThePreprocessingByNameAndSettings) {
  const SweepGrid g = two_point_grid();
  const nlohmann::json keras = sweep_header(g, setup_of(), "images/", 16);
  const nlohmann::json torch =
      sweep_header(g, setup_of(preprocessing_preset("torchvision")), "images/", 16);
  EXPECT_EQ(torch["sweep"]["preprocessing"]["name"], "torchvision");
  EXPECT_EQ(torch["sweep"]["preprocessing"]["scale"], 255.0);
  EXPECT_NE(keras["sweep"], torch["sweep"]);
  // The same settings under another name are another sweep too.
  Preprocessing renamed = preprocessing_preset("torchvision");
  renamed.name = "mine.json";
  EXPECT_NE(sweep_header(g, setup_of(renamed), "images/", 16)["sweep"], torch["sweep"]);
  Preprocessing from_sidecar = preprocessing_preset("torchvision");
  from_sidecar.origin = "sidecar";
  EXPECT_EQ(sweep_header(g, setup_of(from_sidecar), "images/", 16)["sweep"], torch["sweep"]);
  EXPECT_FALSE(torch["sweep"]["preprocessing"].contains("origin"));
}

TEST(SweepHeader, AResultsFileOfAnotherPreprocessingIsNotResumed) {
  const SweepGrid g = two_point_grid();
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("aimc-sweep-prep-" + std::to_string(::getpid()) + ".jsonl"))
                               .string();
  std::filesystem::remove(path);
  const nlohmann::json keras = sweep_header(g, setup_of(), "images/", 16);
  { ResultsLog(path, keras).append(result(g, 0, 1, 0.5, 1.0)); }
  EXPECT_THROW(ResultsLog(path, sweep_header(g, setup_of(preprocessing_preset("torchvision")),
                                             "images/", 16)),
               BadInput);
  EXPECT_EQ(ResultsLog(path, keras).results().size(), 1u);
  std::filesystem::remove(path);
}

// Which images calibrate and which are evaluated changes every result: a
// results file of another calibration split is refused on resume.
TEST(SweepHeader, AResultsFileOfAnotherCalibrationSplitIsNotResumed) {
  const SweepGrid g = two_point_grid();
  const auto split = [](int every, int images) {
    return nlohmann::json{{"source", "images/"},
                          {"every", every},
                          {"images", images},
                          {"excluded_from_evaluation", true}};
  };
  const nlohmann::json eighth = sweep_header(g, setup_of(), "images/", 14, split(8, 3));
  EXPECT_EQ(eighth["sweep"]["calibration_split"], split(8, 3));
  EXPECT_TRUE(sweep_header(g, setup_of(), "images/", 16)["sweep"]["calibration_split"].is_null());
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("aimc-sweep-split-" + std::to_string(::getpid()) + ".jsonl"))
                               .string();
  std::filesystem::remove(path);
  { ResultsLog(path, eighth).append(result(g, 0, 1, 0.5, 1.0)); }
  EXPECT_THROW(ResultsLog(path, sweep_header(g, setup_of(), "images/", 14, split(4, 5))), BadInput);
  EXPECT_EQ(ResultsLog(path, eighth).results().size(), 1u);
  std::filesystem::remove(path);
}

TEST(SweepSummaryPath, ReplacesTheResultsExtensionWithCsv) {
  EXPECT_EQ(default_summary_path("runs/a.jsonl"), "runs/a.csv");
  EXPECT_EQ(default_summary_path("runs/a"), "runs/a.csv");
  EXPECT_EQ(default_summary_path("runs.v2/a"), "runs.v2/a.csv");
}

}  // namespace
}  // namespace aimc::models
