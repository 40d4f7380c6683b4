#pragma once
// How the CLI and the Python module load a model the same way: import,
// GPTQ weight levels when the analog configuration asks for them, the
// placement, then (optionally) the calibration of ADC ranges on the first
// calibration samples of a source. One path, so that both give the same
// bits for the same settings.
#include <string>
#include <vector>

#include "engine/model.h"
#include "engine/passes/place.h"
#include "models/data/calibration_split.h"
#include "models/data/preprocessing.h"
#include "models/studies/weight_quantization.h"

namespace aimc::models {

struct LoadSettings {
  std::string model_path;
  ExecMode mode = ExecMode::kDigital;
  bool allow_float = false;
  int threads = 1;
  KernelFlavor kernels = KernelFlavor::kOptimized;
  AnalogConfig analog;
  std::string calibration_source;  // images or .npy for calibration and GPTQ
  int calibration_every = kDefaultCalibrationEvery;
  Preprocessing preprocessing;
  PlacementOverrides placement;
};

struct LoadedModel {
  Model model;
  std::vector<std::string> calibration_images;  // used for the ADC ranges
  GptqUse gptq;                                 // what weight quantization used
};

// Imports and prepares the model without calibrating its ADC ranges.
LoadedModel load_uncalibrated(const LoadSettings& s);
// Calibrates it on the first `analog.calibration_images` samples of the
// calibration source (a no-op unless the model needs it); of an MNIST IDX
// file, on the first samples of its calibration half.
void calibrate_loaded(LoadedModel& m, const LoadSettings& s);

}  // namespace aimc::models
