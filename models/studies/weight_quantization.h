#pragma once
// weight_quantizer "gptq" for a model about to be built (docs/ARCHITECTURE.md,
// Weight quantization): the GPTQ levels of every crossbar layer, from the
// disk cache when a run with the same key computed them, else measured on an
// ideal twin of the chip over the calibration images and stored.
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/model.h"
#include "models/data/calibration_split.h"
#include "models/data/preprocessing.h"

namespace aimc::models {

struct GptqSetup {
  std::string model_path;   // its bytes are part of the key
  std::string calibration;  // the calibration source (images or .npy)
  int threads = 1;
  Preprocessing preprocessing;                       // of the calibration images
  int calibration_every = kDefaultCalibrationEvery;  // the calibration split of a directory
};

// What a run records of its weight quantization.
struct GptqUse {
  bool used = false;
  std::string key_hash;  // names the cache file
  std::string cache_file;
  bool from_cache = false;
  std::vector<std::string> images;  // the calibration images (or .npy files) H came from
};
nlohmann::json gptq_record(const GptqUse& use);

// Whether the configuration needs calibration images: calibrated ADC ranges
// or GPTQ.
bool uses_calibration_images(const AnalogConfig& c);

// Levels already computed in this process, by key (a sweep's points).
using GptqMemo = std::map<std::string, std::shared_ptr<const WeightLevelTable>>;

// Sets options.weight_levels when options.analog asks for GPTQ and the
// model's weights are quantized; otherwise changes nothing. The twin runs
// on `graph` (imported from setup.model_path).
GptqUse prepare_weight_levels(const Graph& graph, ModelOptions& options, const GptqSetup& setup,
                              GptqMemo* memo = nullptr);

// The cache key: everything the levels depend on, as text.
std::string gptq_cache_key(const ModelOptions& options, const GptqSetup& setup,
                           const std::vector<std::string>& calibration_files);

}  // namespace aimc::models
