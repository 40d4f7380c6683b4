#pragma once
// Image files to 8-bit RGB with stb_image (JPEG, PNG, BMP), converted the way
// Pillow's Image.convert("RGB") converts, which the reference figures used:
//  - 1 channel (gray): replicated to R = G = B;
//  - 2 channels (gray + alpha) and 4 channels (RGBA): alpha dropped, not
//    composited onto a background;
//  - 16-bit PNG: each sample reduced to its high byte (Pillow does the same
//    for 16-bit RGB PNGs).
// Images above kMaxImagePixels are refused from their header, before any
// pixel buffer is allocated.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace aimc::models {

struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // height x width x 3, row-major
};

constexpr int64_t kMaxImagePixels = 100'000'000;

// Throws BadInput naming the file for missing, empty, corrupt, unsupported
// or oversized images.
RgbImage decode_image_file(const std::string& path);
RgbImage decode_image_bytes(std::span<const uint8_t> bytes, const std::string& name_for_messages);

}  // namespace aimc::models
