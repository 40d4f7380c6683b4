#include "models/studies/model_loading.h"

#include "engine/onnx_import.h"
#include "models/data/mnist.h"
#include "models/studies/calibration.h"
#include "models/studies/mnist_evaluation.h"

namespace aimc::models {

LoadedModel load_uncalibrated(const LoadSettings& s) {
  ModelOptions opt;
  opt.mode = s.mode;
  opt.kernels.flavor = s.kernels;
  opt.analog = s.analog;
  opt.placement = s.placement;
  opt.allow_float = s.allow_float;
  const Graph graph = import_onnx_file(s.model_path);
  GptqUse gptq = prepare_weight_levels(
      graph, opt,
      {s.model_path, s.calibration_source, s.threads, s.preprocessing, s.calibration_every});
  return {Model::from_graph(graph, opt), {}, std::move(gptq)};
}

void calibrate_loaded(LoadedModel& m, const LoadSettings& s) {
  if (is_idx_file(s.calibration_source)) {
    // An MNIST IDX file calibrates on its first half only, the half its
    // evaluations leave out (models/studies/mnist_evaluation.h).
    m.calibration_images =
        calibrate_on_mnist(m.model, mnist_evaluation(s.calibration_source, "", 0),
                           s.analog.calibration_images, s.threads);
    return;
  }
  m.calibration_images =
      calibrate_on_images(m.model, s.calibration_source, s.analog.calibration_images, s.threads,
                          s.preprocessing, s.calibration_every);
}

}  // namespace aimc::models
