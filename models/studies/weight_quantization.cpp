#include "models/studies/weight_quantization.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "engine/analog/analog_config_json.h"
#include "engine/analog/gptq_levels.h"
#include "engine/error.h"
#include "engine/placement.h"
#include "models/studies/calibration.h"
#include "models/studies/gptq_cache.h"

namespace aimc::models {
namespace {

// Bumped whenever the levels for the same key could change (the algorithm,
// the moments, the file layout).
constexpr int kGptqFormat = 1;

nlohmann::json model_fingerprint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in) throw bad_input(path, "cannot read the model to key its GPTQ levels");
  const std::string b = bytes.str();
  return {{"bytes", b.size()}, {"fnv1a64", hex64(fnv1a64(b))}};
}

// The calibration files the key names: the images calibration_images
// chooses, or a tensor source itself (its samples are taken in path order).
std::vector<std::string> calibration_files(const std::string& source, int count, int every) {
  if (is_tensor_calibration_source(source))
    return {source + " (first " + std::to_string(count) + " samples)"};
  return calibration_images(source, count, every);
}

// The levels computed on the ideal twin; null when the model's weights are
// not quantized (an int8 model at weight_bits >= 8).
std::shared_ptr<const WeightLevelTable> compute_levels(const Graph& graph,
                                                       const ModelOptions& options,
                                                       const GptqSetup& setup,
                                                       std::vector<std::string>* files) {
  const Model twin = Model::from_graph(graph, gptq_twin_options(options));
  if (twin.integer_lowered() && options.analog.weight_bits >= 8) return nullptr;
  const Tensor batch =
      calibration_batch(twin, setup.calibration, options.analog.gptq_images, setup.threads,
                        setup.preprocessing, setup.calibration_every, files);
  const LayerMoments moments = twin.input_moments({batch}, setup.threads);
  return std::make_shared<const WeightLevelTable>(gptq_weight_levels(moments, options.analog));
}

}  // namespace

bool uses_calibration_images(const AnalogConfig& c) {
  return c.adc_range == AdcRangeMode::kCalibrated || c.weight_quantizer == WeightQuantizer::kGptq;
}

nlohmann::json gptq_record(const GptqUse& use) {
  if (!use.used) return nullptr;
  return {{"key_hash", use.key_hash},
          {"cache_file", use.cache_file},
          {"from_cache", use.from_cache},
          {"images", use.images}};
}

std::string gptq_cache_key(const ModelOptions& options, const GptqSetup& setup,
                           const std::vector<std::string>& calibration_files) {
  const AnalogConfig& c = options.analog;
  const nlohmann::json config = analog_config_to_json(c);
  nlohmann::json overrides = nlohmann::json::array();
  for (const auto& e : options.placement.entries)
    overrides.push_back({e.layer, unit_name(e.unit), e.cjob});
  nlohmann::json preprocessing = preprocessing_to_json(setup.preprocessing);
  preprocessing.erase("origin");  // where it was chosen changes no pixel
  const nlohmann::json key = {
      {"format", kGptqFormat},
      {"model", model_fingerprint(setup.model_path)},
      {"weight_bits", c.weight_bits},
      {"weight_scaling", config["weight_scaling"]},
      {"tile_rows", c.tile_rows},
      {"tile_cols", c.tile_cols},
      {"placement", config["placement"]},
      {"placement_overrides", overrides},
      {"dac",
       {{"bits", c.dac.bits}, {"full_scale", c.dac.full_scale}, {"signed", c.dac.is_signed}}},
      {"damping", c.gptq_damping},
      {"order", config["gptq_order"]},
      {"calibration", calibration_files},
      {"preprocessing", preprocessing}};
  return key.dump();
}

GptqUse prepare_weight_levels(const Graph& graph, ModelOptions& options, const GptqSetup& setup,
                              GptqMemo* memo) {
  GptqUse use;
  if (options.mode != ExecMode::kAnalog ||
      options.analog.weight_quantizer != WeightQuantizer::kGptq)
    return use;
  use.images =
      calibration_files(setup.calibration, options.analog.gptq_images, setup.calibration_every);
  const std::string key = gptq_cache_key(options, setup, use.images);
  use.key_hash = hex64(fnv1a64(key));
  if (memo && memo->count(key)) {
    options.weight_levels = memo->at(key);
    use.used = options.weight_levels != nullptr;
    return use;
  }
  const std::string dir = cache_directory();
  use.cache_file = dir.empty() ? "" : gptq_cache_path(dir, key);
  std::string why;
  if (auto cached =
          use.cache_file.empty() ? std::nullopt : read_gptq_cache(use.cache_file, key, &why)) {
    options.weight_levels = std::make_shared<const WeightLevelTable>(std::move(*cached));
    use.from_cache = true;
  } else {
    if (!why.empty())
      std::fprintf(stderr, "aimc: ignoring GPTQ cache file %s (%s); recomputing\n",
                   use.cache_file.c_str(), why.c_str());
    std::vector<std::string> files;
    options.weight_levels = compute_levels(graph, options, setup, &files);
    if (options.weight_levels && !use.cache_file.empty() &&
        !write_gptq_cache(use.cache_file, key, *options.weight_levels, &why))
      std::fprintf(stderr, "aimc: cannot write the GPTQ cache file %s: %s\n",
                   use.cache_file.c_str(), why.c_str());
  }
  if (memo) (*memo)[key] = options.weight_levels;
  use.used = options.weight_levels != nullptr;
  return use;
}

}  // namespace aimc::models
