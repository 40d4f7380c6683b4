#include "models/studies/classifier.h"

#include "engine/error.h"
#include "models/data/input_tensor.h"

namespace aimc::models {

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

}  // namespace aimc::models
