#include "models/studies/classifier.h"

#include "engine/error.h"
#include "models/data/input_tensor.h"

namespace aimc::models {

std::vector<std::vector<float>> model_scores(const Model& model, const Tensor& input, int threads,
                                             int64_t first_image) {
  const int64_t batch = input.dim(0);
  const ModelOutputs out = model.run({input}, RunContext{threads, first_image});
  const Tensor& logits = out.outputs.at(0);
  if (logits.dtype() != DType::kFloat32 || logits.rank() != 2 || logits.dim(0) != batch) {
    throw bad_input(model.graph().source,
                    "expected a [N, classes] float output, got " + shape_str(logits.shape()));
  }
  const int64_t classes = logits.dim(1);
  std::vector<std::vector<float>> result(static_cast<std::size_t>(batch));
  for (int64_t b = 0; b < batch; ++b) {
    const float* row = logits.data<float>() + b * classes;
    result[static_cast<std::size_t>(b)].assign(row, row + classes);
  }
  return result;
}

std::vector<std::vector<float>> Classifier::scores(std::span<const uint8_t> crops, int batch,
                                                   int threads, int64_t first_image) const {
  return model_scores(model_, input_from_pixels(crops, batch, preprocessing_), threads,
                      first_image);
}

}  // namespace aimc::models
