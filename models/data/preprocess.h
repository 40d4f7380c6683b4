#pragma once
// The reference figures' preprocessing (../shared/README.md), reproduced
// exactly: Pillow 9.4's bilinear resize (antialiased when shrinking, 22-bit
// fixed-point coefficients, horizontal pass then vertical pass with 8-bit
// rounding in between), then a center crop.
#include "models/data/image_decode.h"
#include "models/data/preprocessing.h"

namespace aimc::models {

// Output size for a shorter side of `shorter`: the long side is
// int(shorter * long / short), truncated as Python's int() does.
void resized_size(int width, int height, int shorter, int& out_width, int& out_height);

// Pillow's Image.resize((w, h), Image.BILINEAR).
RgbImage resize_bilinear(const RgbImage& img, int out_width, int out_height);
RgbImage resize_shorter_side(const RgbImage& img, int shorter = 256);

// top = round((h - size) / 2), left likewise, rounding half to even (Python's
// round). Throws BadInput when the image is smaller than the crop.
RgbImage center_crop(const RgbImage& img, int size = 224);
RgbImage center_crop(const RgbImage& img, int height, int width);

// Resize the shorter side to 256, then center-crop 224.
RgbImage preprocess_reference(const RgbImage& img);

// The resize and crop `p` describes: an input_height() × input_width() RGB
// image (channel order, layout and normalisation come after, in
// input_tensor.h).
RgbImage preprocess_image(const RgbImage& img, const Preprocessing& p);

}  // namespace aimc::models
