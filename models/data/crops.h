#pragma once
// Image files -> the reference 224×224 RGB crops the classifiers take,
// packed one after the other (the layout Classifier::scores reads).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/data/preprocessing.h"

namespace aimc::models {

inline constexpr int64_t kCropBytes = 224 * 224 * 3;

// Decodes and preprocesses image files into crops (parallel over images;
// each image's bytes are independent of the thread count).
std::vector<uint8_t> load_crops(const std::vector<std::string>& paths, int threads);
// The same with the resize and crop of `p`: input_height() × input_width()
// RGB bytes per image.
std::vector<uint8_t> load_crops(const std::vector<std::string>& paths, int threads,
                                const Preprocessing& p);

// Crops [first, first + count) of a packed crop buffer.
inline std::span<const uint8_t> crop_range(std::span<const uint8_t> crops, int first, int count) {
  return crops.subspan(static_cast<std::size_t>(first * kCropBytes),
                       static_cast<std::size_t>(count * kCropBytes));
}

}  // namespace aimc::models
