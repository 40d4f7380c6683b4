#pragma once
// Layer sensitivity: the analog configuration on one layer at a time,
// every other layer exact (digital), and the top-1 each layer alone costs
// — where a network is fragile on the hardware.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/model.h"
#include "models/data/calibration_split.h"
#include "models/data/dataset.h"
#include "models/data/preprocessing.h"
#include "models/studies/weight_quantization.h"

namespace aimc::models {

struct SensitivitySetup {
  AnalogConfig analog;  // the configuration tried on each layer
  KernelFlavor kernels = KernelFlavor::kOptimized;
  std::string calibration;                           // images for calibrated ADC ranges
  int calibration_every = kDefaultCalibrationEvery;  // its calibration split
  int threads = 1;
  int batch = 8;
  // Makes the images and the calibration images the model's input.
  Preprocessing preprocessing;
};

struct AnalogLayer {
  std::string name, op;  // node name, timing op name
};

struct LayerCost {
  std::string name, op;
  double top1 = 0;  // with this layer alone analog
  double drop = 0;  // digital top-1 minus top1
};

class LayerSensitivity {
 public:
  // Imports the model, decodes the images and finds the layers the
  // configuration places on the crossbar (BadInput naming --analog if none,
  // or naming both shapes if the preprocessing does not fit the model).
  LayerSensitivity(const std::string& model_path, std::vector<LabeledImage> images,
                   SensitivitySetup setup);

  const std::vector<AnalogLayer>& layers() const { return layers_; }
  const GptqUse& gptq() const { return gptq_; }
  int image_count() const { return static_cast<int>(images_.size()); }

  // Top-1 of the whole network digital.
  double digital_top1() const;
  // Top-1 with exactly `analog` of layers() on the crossbar, the others digital.
  double top1_with_analog(const std::vector<std::string>& analog) const;
  // The model's options with exactly `analog` of layers() on the crossbar.
  ModelOptions options_with_analog(const std::vector<std::string>& analog) const;
  const Graph& graph() const { return graph_; }
  // Each layer alone analog, sorted by drop (largest first, stable);
  // progress(layers done) after each.
  std::vector<LayerCost> costs(double digital_top1,
                               const std::function<void(int)>& progress = nullptr) const;

 private:
  double top1(const ModelOptions& options) const;

  SensitivitySetup setup_;
  // GPTQ levels of every layer the configuration places (weight_quantizer
  // "gptq"), computed once: a layer's levels come from the ideal twin,
  // whose activations do not depend on which other layers are analog.
  std::shared_ptr<const WeightLevelTable> levels_;
  std::vector<LabeledImage> images_;
  Graph graph_;
  std::vector<uint8_t> crops_;
  std::vector<AnalogLayer> layers_;
  GptqUse gptq_;
};

}  // namespace aimc::models
