#include "models/studies/classifier.h"

#include <exception>

#include "engine/error.h"
#include "models/data/image_decode.h"
#include "models/data/input_tensor.h"
#include "models/data/preprocess.h"

namespace aimc::models {

namespace {
constexpr int64_t kCropBytes = 224 * 224 * 3;
}

std::vector<std::vector<float>> Classifier::scores(std::span<const uint8_t> crops, int batch,
                                                   int threads, int64_t first_image) const {
  const Tensor input = mobilenet_input_from_pixels(crops, batch);
  const ModelOutputs out = model_.run({input}, RunContext{threads, first_image});
  const Tensor& logits = out.outputs.at(0);
  if (logits.dtype() != DType::kFloat32 || logits.rank() != 2 || logits.dim(0) != batch) {
    throw bad_input(model_.graph().source,
                    "expected a [N, classes] float output, got " + shape_str(logits.shape()));
  }
  const int64_t classes = logits.dim(1);
  std::vector<std::vector<float>> result(batch);
  for (int b = 0; b < batch; ++b) {
    const float* row = logits.data<float>() + b * classes;
    result[b].assign(row, row + classes);
  }
  return result;
}

std::vector<uint8_t> load_crops(const std::vector<std::string>& paths, int threads) {
  std::vector<uint8_t> crops(paths.size() * kCropBytes);
  std::vector<std::exception_ptr> errors(paths.size());
#pragma omp parallel for num_threads(threads) schedule(dynamic)
  for (std::size_t i = 0; i < paths.size(); ++i) {
    try {
      const RgbImage crop = preprocess_reference(decode_image_file(paths[i]));
      std::copy(crop.pixels.begin(), crop.pixels.end(), crops.begin() + i * kCropBytes);
    } catch (...) {
      errors[i] = std::current_exception();  // exceptions must not cross the OpenMP region
    }
  }
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  return crops;
}

}  // namespace aimc::models
