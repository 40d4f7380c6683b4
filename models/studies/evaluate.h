#pragma once
// Top-1 / top-5 evaluation over a labelled image set, in batches: from
// image files (decoded batch by batch) or from crops decoded beforehand
// (studies that run the same images through many models).
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "models/data/dataset.h"
#include "models/data/preprocessing.h"
#include "models/studies/classifier.h"
#include "models/studies/topk.h"

namespace aimc::models {

struct EvalOptions {
  int batch = 8;
  int threads = 1;
};

struct EvalResult : TopKCounts {
  double seconds = 0;  // wall time including decoding
  double images_per_second() const { return seconds > 0 ? images / seconds : 0; }
};

// progress(done, total) is called after each batch; the classifier's
// preprocessing makes each image the model's input.
EvalResult evaluate(const Classifier& classifier, const std::vector<LabeledImage>& images,
                    const EvalOptions& options,
                    const std::function<void(int, int)>& progress = nullptr);

// The scores ([image][class]) of image files preprocessed by `p`; the first
// image's index keys the analog noise, as Classifier::scores.
std::vector<std::vector<float>> image_scores(const Model& model,
                                             const std::vector<std::string>& paths,
                                             const Preprocessing& p, int threads,
                                             int64_t first_image = 0);

// The same counts over `crops` (load_crops of the images with the
// classifier's preprocessing, in order). Each batch's first image index
// keys the analog noise, as in evaluate().
TopKCounts evaluate_crops(const Classifier& classifier, std::span<const uint8_t> crops,
                          const std::vector<LabeledImage>& images, const EvalOptions& options);

}  // namespace aimc::models
