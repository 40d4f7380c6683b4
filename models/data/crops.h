#pragma once
// Image files -> the RGB crops of a Preprocessing (224×224 for the
// reference keras-mobilenet), packed one after the other (the layout
// Classifier::scores reads).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/data/preprocessing.h"

namespace aimc::models {

// The bytes of one crop made by `p`.
inline std::size_t crop_bytes(const Preprocessing& p) {
  return std::size_t(p.input_height()) * std::size_t(p.input_width()) * 3;
}

// Decodes image files and resizes and crops them as `p` says:
// crop_bytes(p) RGB bytes per image (parallel over images; each image's
// bytes are independent of the thread count).
std::vector<uint8_t> load_crops(const std::vector<std::string>& paths, int threads,
                                const Preprocessing& p);

// Crops [first, first + count) of a buffer of crops made by `p`.
inline std::span<const uint8_t> crop_range(std::span<const uint8_t> crops, int first, int count,
                                           const Preprocessing& p) {
  const std::size_t bytes = crop_bytes(p);
  return crops.subspan(static_cast<std::size_t>(first) * bytes,
                       static_cast<std::size_t>(count) * bytes);
}

}  // namespace aimc::models
