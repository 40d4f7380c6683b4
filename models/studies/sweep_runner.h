#pragma once
// Running a noise-sensitivity sweep (models/studies/sweep_grid.h): every
// (point, seed) item of a grid evaluated on one image set, the results
// recorded line by line in a ResultsLog with a summary CSV beside it.
// Items can be spread over processes through a SweepComm (the CLI does it
// with MPI); one process alone is SingleProcess.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/analog/draw_cache.h"
#include "engine/model.h"
#include "engine/passes/place.h"
#include "models/data/calibration_split.h"
#include "models/data/dataset.h"
#include "models/data/preprocessing.h"
#include "models/studies/mnist_evaluation.h"
#include "models/studies/results_log.h"
#include "models/studies/sweep_comm.h"
#include "models/studies/sweep_grid.h"
#include "models/studies/weight_quantization.h"

namespace aimc::models {

struct SweepSetup {
  std::string grid_where;                            // names the grid file in messages
  std::string model_path;                            // QDQ (or float) ONNX model
  std::string calibration;                           // images for calibrated ADC ranges
  int calibration_every = kDefaultCalibrationEvery;  // its calibration split
  int threads = 1;
  int batch = 8;
  // Share device draws between the points of one seed and ADC ranges
  // between points the calibration cannot tell apart (same results).
  bool reuse = true;
  std::string version;  // recorded in every result line
  // A hand-edited placement (aimc place), applied at every point.
  PlacementOverrides placement;
  // Makes the images and the calibration images the model's input.
  Preprocessing preprocessing;
};

// The results file's first line: everything a result depends on (the
// setup's model, version, placement and preprocessing, the images and the
// calibration split: EvaluationSet::calibration_split). A hand-edited
// placement is recorded by its content, not its file name; the
// preprocessing by its name and settings, not where it was chosen.
nlohmann::json sweep_header(const SweepGrid& grid, const SweepSetup& setup,
                            const std::string& images_source, std::size_t image_count,
                            const nlohmann::json& calibration_split = nullptr);

// The summary CSV beside a results file: its name with the extension
// replaced by .csv ("runs/a.jsonl" -> "runs/a.csv").
std::string default_summary_path(const std::string& results_path);

// Mean and sample standard deviation of top-1 and top-5 over the seeds of
// each point, in the grid's point order; points without results are left out.
std::string sweep_summary_csv(const SweepGrid& grid, const std::vector<nlohmann::json>& results);

// Items are numbered point index × seeds + (seed − 1). Seed-major order:
// the points of one seed share their device draws, and the store is emptied
// when the seed changes (memory stays one seed's).
void order_seed_major(std::vector<int>& items, int seeds);

// Evaluates single items; the model is imported and the images decoded once.
class SweepRunner {
 public:
  // BadInput naming both shapes when the preprocessing does not fit the
  // model's input.
  SweepRunner(SweepGrid grid, SweepSetup setup, std::vector<LabeledImage> images);
  // The evaluation half of an MNIST IDX file; calibration from its first
  // half (models/studies/mnist_evaluation.h). BadInput naming the model
  // when its input does not take the images' pixels.
  SweepRunner(SweepGrid grid, SweepSetup setup, MnistEvaluation mnist);

  // One result line: point, seed, top1, top5, images, seconds, aimc.
  nlohmann::json run_item(int item);

  const SweepGrid& grid() const { return grid_; }
  const std::vector<nlohmann::json>& points() const { return points_; }
  int item_count() const { return static_cast<int>(points_.size()) * grid_.seeds; }
  int image_count() const {
    return mnist_ ? static_cast<int>(mnist_->count) : static_cast<int>(images_.size());
  }
  int calibration_runs() const { return calibration_runs_; }

 private:
  void calibrate(Model& model, const AnalogConfig& config);

  SweepGrid grid_;
  SweepSetup setup_;
  std::vector<LabeledImage> images_;
  std::optional<MnistEvaluation> mnist_;  // set: images_ and crops_ are empty
  std::vector<nlohmann::json> points_;
  Graph graph_;
  std::vector<uint8_t> crops_;
  std::shared_ptr<DrawCache> draws_;
  // ADC ranges per calibration chip (calibration_chip()).
  std::map<std::string, AdcCalibration> calibrations_;
  // GPTQ levels by cache key: the points that share a key share them.
  GptqMemo gptq_levels_;
  int cached_seed_ = 0;
  int calibration_runs_ = 0;
};

struct SweepRunStats {
  int computed = 0;  // items this run computed (all ranks)
  int finished = 0;  // items finished, including earlier runs'
  double seconds = 0;
};

// finished and total items, images computed in this run, images left.
using SweepProgress = std::function<void(int, int, int64_t, int64_t)>;

// Runs the items `log` (rank 0's; null on the other ranks) has not
// finished: rank r computes pending items r, r + size, ...; rank 0 records
// every result and rewrites the summary CSV at `summary_path` after each.
SweepRunStats run_sweep(SweepRunner& runner, const SweepComm& comm, ResultsLog* log,
                        const std::string& summary_path, const SweepProgress& progress = nullptr);

// The two lines a finished run prints: what was swept and where the results
// are, then this run's throughput (calibration runs counted on this rank).
std::string sweep_run_report(const SweepRunner& runner, const SweepRunStats& run, int ranks,
                             std::size_t results, const std::string& out_path,
                             const std::string& summary_path);

}  // namespace aimc::models
