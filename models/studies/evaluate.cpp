#include "models/studies/evaluate.h"

#include <algorithm>
#include <chrono>

#include "models/data/crops.h"
#include "models/data/input_tensor.h"

namespace aimc::models {

std::vector<std::vector<float>> image_scores(const Model& model,
                                             const std::vector<std::string>& paths,
                                             const Preprocessing& p, int threads,
                                             int64_t first_image) {
  const int batch = static_cast<int>(paths.size());
  return model_scores(model, input_from_pixels(load_crops(paths, threads, p), batch, p), threads,
                      first_image);
}

EvalResult evaluate(const Classifier& classifier, const std::vector<LabeledImage>& images,
                    const EvalOptions& options, const std::function<void(int, int)>& progress) {
  EvalResult r;
  const auto start = std::chrono::steady_clock::now();
  const int total = static_cast<int>(images.size());
  const int batch = std::max(1, options.batch);
  for (int first = 0; first < total; first += batch) {
    const int count = std::min(batch, total - first);
    std::vector<std::string> paths;
    for (int i = 0; i < count; ++i) paths.push_back(images[first + i].path);
    const auto scores =
        image_scores(classifier.model(), paths, classifier.preprocessing(), options.threads, first);
    for (int i = 0; i < count; ++i) r.add(scores[i], images[first + i].class_index);
    if (progress) progress(r.images, total);
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

TopKCounts evaluate_crops(const Classifier& classifier, std::span<const uint8_t> crops,
                          const std::vector<LabeledImage>& images, const EvalOptions& options) {
  TopKCounts counts;
  const int total = static_cast<int>(images.size());
  const int batch = std::max(1, options.batch);
  for (int first = 0; first < total; first += batch) {
    const int count = std::min(batch, total - first);
    const auto scores = classifier.scores(
        crop_range(crops, first, count, classifier.preprocessing()), count, options.threads, first);
    for (int i = 0; i < count; ++i) counts.add(scores[i], images[first + i].class_index);
  }
  return counts;
}

}  // namespace aimc::models
