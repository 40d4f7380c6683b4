#pragma once
// The images an accuracy is reported on. Calibration is never evaluation:
// when the calibration source is the image directory itself (the default:
// both are the shared images), its calibration split
// (models/data/calibration_split.h) is left out in every mode, digital and
// float included, so that all modes report on the same images.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/data/calibration_split.h"
#include "models/data/dataset.h"
#include "models/data/labels.h"

namespace aimc::models {

struct EvaluationSet {
  std::vector<LabeledImage> images;  // in path order
  // What a results record says of the split: {"source", "every", "images"
  // (the split's size), "excluded_from_evaluation"} when the calibration
  // source is an image directory; null otherwise (an image or .npy file, a
  // directory of .npy files).
  nlohmann::json calibration_split;
  // What a summary line appends to the image count: " (every 8th image of
  // DIR is kept for calibration)" when the split was left out, else empty.
  std::string note;
};

struct EvaluationSource {
  std::string images;       // directory or file,index CSV
  std::string calibration;  // --calibration, or the default shared images
  int calibration_every = kDefaultCalibrationEvery;
  int limit = 0;  // > 0: only the first `limit` evaluation images
};

// The labelled images of `source.images` without the calibration split when
// the calibration source is the same directory (canonical paths), then the
// first `limit`. BadInput naming the images when none is left to evaluate.
EvaluationSet evaluation_set(const EvaluationSource& source, const Labels& labels);

// The other side: the labelled images of the calibration split of
// `source.calibration` (a directory; `source.images` is not used), the first
// `limit` of them, for searches that must not see the evaluation images.
// BadInput naming the calibration source when it is not an image directory
// or its split has no labelled image.
EvaluationSet calibration_split_set(const EvaluationSource& source, const Labels& labels);

}  // namespace aimc::models
