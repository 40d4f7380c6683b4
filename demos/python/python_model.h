#pragma once
// aimc.Model: an ONNX model loaded for one mode, run on numpy arrays. It is
// loaded and calibrated through the library path the CLI uses
// (models/studies/model_loading.h), so both give the same bits, and it can
// say which CLI options load it the same way (for aimc.evaluate & co.).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "demos/python/numpy_tensors.h"
#include "demos/python/temp_dir.h"
#include "models/studies/model_loading.h"

namespace aimc::python {

struct ModelArguments {
  std::string path;
  std::string mode = "digital";
  pybind11::object analog;  // None, a preset name, a JSON path or a dict
  uint64_t seed = 0;
  std::optional<int> threads;
  std::optional<std::string> placement;
  bool allow_float = false;
  std::optional<std::string> calibration;
};

class PyModel {
 public:
  explicit PyModel(const ModelArguments& a);

  // One array for a model of one input, or a dict of arrays by input name;
  // the outputs as an array, or a dict by output name for several. With
  // dump_layers, (outputs, {tensor name: array}) of every node's outputs.
  pybind11::object run(const pybind11::object& x, int64_t first_image, bool dump_layers) const;

  // Top-1/top-5 over a batch-first array of inputs and their class indices,
  // with the fields of `aimc eval --json`.
  // `first_image`: the first row's index in the whole data set (keys noise).
  pybind11::dict evaluate_arrays(const pybind11::array& images, const pybind11::array& labels,
                                 int batch, std::optional<int64_t> limit,
                                 int64_t first_image) const;

  // Seconds of `repeats` engine runs of x alone (converted once, outside
  // the clock): the peer the module's per-call overhead is measured against.
  std::vector<double> engine_seconds(const pybind11::object& x, int repeats) const;

  // The CLI options that load this model the same way, for `command`
  // (eval, sensitivity or sweep; for timing only its file). `idx_images`:
  // the MNIST IDX file evaluated, which calibrates on its own first half.
  std::vector<std::string> cli_words(const std::string& command,
                                     const std::optional<std::string>& idx_images = {}) const;

  std::vector<std::string> inputs() const { return loaded_->model.graph().inputs; }
  std::vector<std::string> outputs() const { return loaded_->model.graph().outputs; }
  std::string mode() const;
  std::string path() const { return settings_.model_path; }
  std::vector<std::string> float_nodes() const { return loaded_->model.float_nodes(); }

 private:
  models::LoadSettings settings_;
  std::string placement_path_;
  std::unique_ptr<TempDir> files_;  // the effective analog configuration, for the CLI
  std::string analog_path_;
  std::unique_ptr<models::LoadedModel> loaded_;
  mutable StoragePool input_storage_;
};

}  // namespace aimc::python
