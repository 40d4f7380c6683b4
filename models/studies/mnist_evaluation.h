#pragma once
// Accuracy on MNIST IDX files with the split models/mnist/train.py uses.
// Calibration is never evaluation, and here neither is training: the first
// half of the image file (t10k[0:5000] of the 10,000 test images) trained
// the models and is the only calibration source (ADC ranges); the second
// half (t10k[5000:10000]) is what every mode reports on, digital and float
// included, so that all modes report on the same images.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/graph.h"
#include "engine/model.h"
#include "models/data/mnist.h"
#include "models/studies/evaluate.h"

namespace aimc::models {

struct MnistEvaluation {
  MnistSet data;
  int64_t calibration_count = 0;  // images [0, calibration_count) calibrate
  int64_t first = 0;              // images [first, first + count) are evaluated
  int64_t count = 0;
  // {"source", "images" (the calibration half's size), "calibration_images"
  // and "evaluation_images" ([begin, end) of the file), "rule",
  // "excluded_from_evaluation": true}, as EvaluationSet::calibration_split.
  nlohmann::json calibration_split;
  // " of FILE[5000:10000] (FILE[0:5000] is for training and calibration, never evaluated)".
  std::string note;
};

// `labels` empty: the label file beside the images. `limit` > 0: only the
// first `limit` evaluation images. BadInput names the files (models/data/mnist.h),
// or the image file when it has fewer than 2 images.
MnistEvaluation mnist_evaluation(const std::string& images, const std::string& labels, int limit);

// The model's input without its batch axis; BadInput naming the model file
// unless it has one float32 input of rows × cols elements.
Shape mnist_sample_shape(const Graph& graph, const MnistSet& set);

// Top-1/top-5 over the evaluation images, in batches; each image's index in
// the file keys its analog per-MVM noise.
EvalResult evaluate_mnist(const Model& model, const MnistEvaluation& e, const EvalOptions& options,
                          const std::function<void(int, int)>& progress = nullptr);

// Calibrates the model (a no-op unless it needs it) on the first `count`
// images of the calibration half; returns what was used, e.g.
// {"DIR/t10k-images-idx3-ubyte.gz[0:256]"}.
std::vector<std::string> calibrate_on_mnist(Model& model, const MnistEvaluation& e, int count,
                                            int threads);

}  // namespace aimc::models
