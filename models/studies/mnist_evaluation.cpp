#include "models/studies/mnist_evaluation.h"

#include <algorithm>
#include <chrono>

#include "engine/error.h"
#include "models/studies/classifier.h"

namespace aimc::models {
namespace {

std::string range(const std::string& file, int64_t begin, int64_t end) {
  return file + "[" + std::to_string(begin) + ":" + std::to_string(end) + "]";
}

}  // namespace

MnistEvaluation mnist_evaluation(const std::string& images, const std::string& labels, int limit) {
  MnistEvaluation e;
  e.data = load_mnist(images, labels);
  const int64_t n = e.data.images.count;
  if (n < 2)
    throw bad_input(images, "holds fewer than 2 images: nothing to calibrate and evaluate apart");
  e.calibration_count = n / 2;
  e.first = e.calibration_count;
  e.count = n - e.first;
  if (limit > 0) e.count = std::min<int64_t>(e.count, limit);
  e.calibration_split = {
      {"source", images},
      {"images", e.calibration_count},
      {"calibration_images", {0, e.calibration_count}},
      {"evaluation_images", {e.first, e.first + e.count}},
      {"rule",
       "the first half of the IDX file is for training and calibration; the second half "
       "is evaluated"},
      {"excluded_from_evaluation", true}};
  e.note = " of " + range(images, e.first, e.first + e.count) + " (" +
           range(images, 0, e.calibration_count) +
           " is for training and calibration, never evaluated)";
  return e;
}

Shape mnist_sample_shape(const Graph& graph, const MnistSet& set) {
  if (graph.inputs.size() != 1)
    throw bad_input(graph.source, "has " + std::to_string(graph.inputs.size()) +
                                      " inputs; MNIST feeds a model of one input");
  const auto it = graph.values.find(graph.inputs[0]);
  Shape sample;
  DType dtype = DType::kFloat32;
  if (it != graph.values.end() && !it->second.shape.empty()) {
    sample.assign(it->second.shape.begin() + 1, it->second.shape.end());
    dtype = it->second.dtype;
  }
  const bool known = std::all_of(sample.begin(), sample.end(), [](int64_t d) { return d > 0; });
  if (dtype != DType::kFloat32 || !known || sample.empty() ||
      element_count(sample) != set.images.sample_size()) {
    const Shape full = it == graph.values.end() ? Shape{} : it->second.shape;
    throw bad_input(graph.source, "input '" + graph.inputs[0] + "' is " + dtype_name(dtype) + " " +
                                      shape_str(full) + ", not float32 samples of the " +
                                      std::to_string(set.images.sample_size()) + " pixels of " +
                                      set.images_path + " (e.g. [1, 784] or [1, 28, 28])");
  }
  return sample;
}

EvalResult evaluate_mnist(const Model& model, const MnistEvaluation& e, const EvalOptions& options,
                          const std::function<void(int, int)>& progress) {
  EvalResult r;
  const auto start = std::chrono::steady_clock::now();
  const Shape sample = mnist_sample_shape(model.graph(), e.data);
  const int64_t batch = std::max(1, options.batch);
  for (int64_t done = 0; done < e.count; done += batch) {
    const int64_t n = std::min(batch, e.count - done);
    const int64_t first = e.first + done;
    const Tensor input = mnist_samples(e.data, first, n, sample, model.graph().source);
    const auto scores = model_scores(model, input, options.threads, first);
    for (int64_t i = 0; i < n; ++i)
      r.add(scores[static_cast<std::size_t>(i)],
            e.data.labels[static_cast<std::size_t>(first + i)]);
    if (progress) progress(r.images, static_cast<int>(e.count));
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

std::vector<std::string> calibrate_on_mnist(Model& model, const MnistEvaluation& e, int count,
                                            int threads) {
  if (!model.needs_calibration()) return {};
  const int64_t n = std::min<int64_t>(std::max(count, 1), e.calibration_count);
  const Shape sample = mnist_sample_shape(model.graph(), e.data);
  model.calibrate({mnist_samples(e.data, 0, n, sample, model.graph().source)}, threads);
  return {range(e.data.images_path, 0, n)};
}

}  // namespace aimc::models
