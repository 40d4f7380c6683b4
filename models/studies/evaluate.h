#pragma once
// Top-1 / top-5 evaluation over a labelled image set, in batches.
#include <functional>
#include <vector>

#include "models/data/dataset.h"
#include "models/studies/classifier.h"

namespace aimc::models {

struct EvalOptions {
  int batch = 8;
  int threads = 1;
};

struct EvalResult {
  int images = 0;
  int top1 = 0;  // counts
  int top5 = 0;
  double seconds = 0;  // wall time including decoding
  double images_per_second() const { return seconds > 0 ? images / seconds : 0; }
};

// progress(done, total) is called after each batch.
EvalResult evaluate(const Classifier& classifier, const std::vector<LabeledImage>& images,
                    const EvalOptions& options,
                    const std::function<void(int, int)>& progress = nullptr);

}  // namespace aimc::models
