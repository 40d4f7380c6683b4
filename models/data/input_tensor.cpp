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

namespace {

// Writes every element through `put(index, pixel, channel)`: the tensor's
// channel c is the image's channel c, or 2 - c for BGR.
template <typename Put>
void scatter(std::span<const uint8_t> pixels, int batch, const Preprocessing& p, Put put) {
  const int64_t plane = int64_t{p.input_height()} * p.input_width();
  const bool nchw = p.layout == Layout::kNchw;
  const bool bgr = p.channels == ChannelOrder::kBgr;
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t q = 0; q < plane; ++q) {
      for (int c = 0; c < 3; ++c) {
        const uint8_t v = pixels[(b * plane + q) * 3 + (bgr ? 2 - c : c)];
        put(nchw ? (b * 3 + c) * plane + q : (b * plane + q) * 3 + c, v, c);
      }
    }
  }
}

}  // namespace

Tensor input_from_pixels(std::span<const uint8_t> pixels, int batch, const Preprocessing& p) {
  const int64_t plane = int64_t{p.input_height()} * p.input_width();
  if (static_cast<int64_t>(pixels.size()) != batch * plane * 3) {
    throw std::invalid_argument("pixel buffer size does not match the batch");
  }
  Tensor t(p.dtype(), p.input_shape(batch));
  if (p.raw_uint8) {
    uint8_t* dst = t.data<uint8_t>();
    scatter(pixels, batch, p, [&](int64_t i, uint8_t v, int) { dst[i] = v; });
    return t;
  }
  float* dst = t.data<float>();
  // float32 throughout, as Keras and torchvision compute it; dividing by a
  // std of 1 is exact, so keras-mobilenet equals p / 127.5 - 1.
  scatter(pixels, batch, p, [&](int64_t i, uint8_t v, int c) {
    dst[i] = (static_cast<float>(v) / p.scale - p.mean[c]) / p.stddev[c];
  });
  return t;
}

}  // namespace aimc::models
