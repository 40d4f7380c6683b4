#pragma once
// Pixels -> the model's input tensor. MobileNetV2 (Keras) expects
// x = float32(p) / float32(127.5) - 1 in NCHW float; its first
// QuantizeLinear then produces the int8 input (../shared/README.md).
#include <cstdint>
#include <span>

#include "engine/tensor.h"

namespace aimc::models {

// `pixels` holds `batch` images of height×width×3 RGB bytes (NHWC).
Tensor mobilenet_input_from_pixels(std::span<const uint8_t> pixels, int batch, int height = 224,
                                   int width = 224);

}  // namespace aimc::models
