#include "models/data/input_tensor.h"

#include <stdexcept>

namespace aimc::models {

Tensor mobilenet_input_from_pixels(std::span<const uint8_t> pixels, int batch, int height,
                                   int width) {
  const int64_t plane = int64_t{height} * width;
  if (static_cast<int64_t>(pixels.size()) != batch * plane * 3) {
    throw std::invalid_argument("pixel buffer size does not match the batch");
  }
  Tensor t(DType::kFloat32, {batch, 3, height, width});
  float* dst = t.data<float>();
  for (int b = 0; b < batch; ++b) {
    for (int64_t p = 0; p < plane; ++p) {
      for (int c = 0; c < 3; ++c) {
        // Two float32 operations, exactly as the reference preprocessing.
        dst[(int64_t{b} * 3 + c) * plane + p] =
            static_cast<float>(pixels[(b * plane + p) * 3 + c]) / 127.5f - 1.0f;
      }
    }
  }
  return t;
}

}  // namespace aimc::models
