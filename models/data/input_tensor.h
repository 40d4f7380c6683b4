#pragma once
// Pixels -> the model's input tensor. MobileNetV2 (Keras) expects
// x = float32(p) / float32(127.5) - 1 in NCHW float; its first
// QuantizeLinear then produces the int8 input (../shared/README.md).
// Other networks: the channel order, layout and normalisation of a
// Preprocessing (models/data/preprocessing.h).
#include <cstdint>
#include <span>

#include "engine/tensor.h"
#include "models/data/preprocessing.h"

namespace aimc::models {

// `pixels` holds `batch` images of height×width×3 RGB bytes (NHWC).
Tensor mobilenet_input_from_pixels(std::span<const uint8_t> pixels, int batch, int height = 224,
                                   int width = 224);

// `pixels` holds `batch` RGB images of p.input_height() × p.input_width() × 3
// bytes; the result has shape p.input_shape(batch) and dtype p.dtype().
// keras-mobilenet gives the same bytes as mobilenet_input_from_pixels.
Tensor input_from_pixels(std::span<const uint8_t> pixels, int batch, const Preprocessing& p);

}  // namespace aimc::models
