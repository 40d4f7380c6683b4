#pragma once
// Pieces every aimc sub-command shares: the common options, model loading
// with the shared defaults, atomic output files and the progress bar.
#include <cxxopts.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/model.h"
#include "models/data/calibration_split.h"
#include "models/data/preprocessing.h"
#include "models/studies/evaluation_set.h"
#include "models/studies/model_loading.h"
#include "models/studies/weight_quantization.h"

namespace aimc::cli {

// Adds --model, --mode, --analog, --set, --calibration,
// --calibration-every, --preprocess, --placement, --seed, --kernels,
// --threads, --json, --help.
void add_common_options(cxxopts::Options& options);

// The help line of --calibration-every (sweep declares its own options).
extern const char* const kCalibrationEveryHelp;

// --calibration-every: an integer >= 2 (default 8); BadInput naming the
// option otherwise.
int calibration_every(const cxxopts::ParseResult& args);

// Parses argv; throws BadInput on unknown/ill-typed options.
cxxopts::ParseResult parse_options(cxxopts::Options& options, int argc, char** argv);

struct CommonSettings {
  std::string model_path;
  ExecMode mode = ExecMode::kDigital;
  bool allow_float = false;  // --allow-float: float islands in digital/analog mode
  int threads = 1;
  KernelFlavor kernels = KernelFlavor::kOptimized;
  AnalogConfig analog;  // effective configuration in analog mode
  uint64_t seed = 0;
  std::string json_path;  // empty: no JSON file
  // Images or .npy for `calibrated` ADC ranges: --calibration, else the
  // shared images (in every mode, since evaluating that directory leaves
  // its calibration split out).
  std::string calibration_source;
  int calibration_every = models::kDefaultCalibrationEvery;  // the split
  // How images become the model's input: --preprocess, else the model's
  // sidecar <model>.preprocess.json, else keras-mobilenet.
  models::Preprocessing preprocessing;
  std::string placement_path;  // --placement: a hand-edited placement (empty: none)
};

// Resolves defaults: the shared QDQ model (the fp32 one for --mode float),
// AIMC_MODEL overrides, all threads of the machine.
CommonSettings common_settings(const cxxopts::ParseResult& args);

// For commands about analog layers (sensitivity, the placement search):
// --analog alone implies analog mode, with --set and --seed applied.
void imply_analog_mode(CommonSettings& s, const cxxopts::ParseResult& args);

// The --placement file's entries (none without the option).
PlacementOverrides placement_overrides(const CommonSettings& s);

// The images eval, sweep and sensitivity report on: --images (default: the
// shared images) labelled by --labels, without the calibration split when
// the calibration source is that directory, the first --limit of them.
struct EvaluationImages {
  std::string source;       // --images
  std::string labels_path;  // --labels
  models::EvaluationSet set;
};
EvaluationImages evaluation_images(const cxxopts::ParseResult& args,
                                   const std::string& calibration_source, int calibration_every);

// Loads the model; in analog mode with calibrated ADC ranges, also calibrates
// it on the first calibration_images samples of --calibration (of its
// calibration split, for a directory of images); with weight_quantizer
// "gptq", programs it with GPTQ levels (cached on disk).
using models::LoadedModel;
LoadedModel load_model(const CommonSettings& s);
// The same without the calibration (callers that calibrate from another
// kind of source, such as MNIST's IDX files).
LoadedModel load_uncalibrated_model(const CommonSettings& s);

// The nodes that run in float in digital or analog mode (allowed float
// islands, or a float model's periphery in analog mode), for a results
// JSON's "float_nodes"; null when there are none.
nlohmann::json float_nodes_record(const Model& model);

// What a JSON result records of an analog run: the full effective
// configuration, the seed, the calibration images, every analog layer's
// calibrated ADC ranges (by node name) and, with GPTQ, its cache key hash
// and calibration images. Empty outside analog mode.
nlohmann::json analog_record(const CommonSettings& s, const Model& model,
                             const std::vector<std::string>& calibration_images,
                             const models::GptqUse& gptq = {});

// Writes `bytes` to `path` via a temporary file and rename, so a failure
// never leaves a partial file behind.
void write_file_atomically(const std::string& path, const std::string& bytes);
void write_json(const std::string& path, const nlohmann::json& j);

// A one-line progress bar on stderr, when stderr is a terminal (or forced,
// e.g. for a log file).
class ProgressBar {
 public:
  explicit ProgressBar(std::string label, bool force = false);
  // `done` of `total` images.
  void update(int done, int total);
  // `done` of `total` work items (sweep points), where `images` were
  // computed since this bar started and `images_left` remain: the rate and
  // ETA count only this run's work, not items finished by an earlier run.
  void update_items(int done, int total, const char* unit, int64_t images, int64_t images_left);
  ~ProgressBar();

 private:
  void draw(int done, int total, const char* unit, double rate, double eta);
  std::string label_;
  bool enabled_;
  double start_;
};

int positive_int(const cxxopts::ParseResult& args, const std::string& key);

}  // namespace aimc::cli
