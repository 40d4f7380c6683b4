#include "models/image_decode.h"

#include <stb_image.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>

#include "engine/error.h"

namespace aimc::models {
namespace {

struct StbFree {
  void operator()(stbi_uc* p) const { stbi_image_free(p); }
};

// stb refuses large PNGs with a generic error before reporting their size, so
// the PNG header (IHDR, always first) is read here for the pixel-limit check.
bool png_dimensions(std::span<const uint8_t> b, int64_t& w, int64_t& h) {
  static constexpr uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (b.size() < 24 || !std::equal(kSignature, kSignature + 8, b.begin())) return false;
  auto be32 = [&](std::size_t i) {
    return int64_t{b[i]} << 24 | int64_t{b[i + 1]} << 16 | int64_t{b[i + 2]} << 8 |
           int64_t{b[i + 3]};
  };
  if (!std::equal(b.begin() + 12, b.begin() + 16, "IHDR")) return false;
  w = be32(16);
  h = be32(20);
  return true;
}

void check_pixel_limit(int64_t w, int64_t h, const std::string& name) {
  const int64_t pixels = w * h;
  if (w <= 0 || h <= 0 || pixels > kMaxImagePixels) {
    throw bad_input(name, "image is " + std::to_string(w) + "x" + std::to_string(h) + " = " +
                              std::to_string(pixels) + " pixels, above the limit of " +
                              std::to_string(kMaxImagePixels));
  }
}

}  // namespace

RgbImage decode_image_bytes(std::span<const uint8_t> bytes, const std::string& name) {
  if (bytes.empty()) throw bad_input(name, "the image file is empty");
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw bad_input(name, "the image file is larger than 2 GiB");
  }
  const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  const int len = static_cast<int>(bytes.size());
  int64_t png_w = 0, png_h = 0;
  if (png_dimensions(bytes, png_w, png_h)) check_pixel_limit(png_w, png_h, name);
  int w = 0, h = 0, channels = 0;
  // The header alone: refuse oversized images before allocating their pixels.
  if (!stbi_info_from_memory(data, len, &w, &h, &channels)) {
    throw bad_input(name,
                    std::string("not a decodable JPEG/PNG/BMP image: ") + stbi_failure_reason());
  }
  check_pixel_limit(w, h, name);
  // Asking stb for 3 channels replicates gray and drops alpha, and its
  // 16-to-8-bit conversion keeps the high byte: Pillow's convert("RGB").
  std::unique_ptr<stbi_uc, StbFree> rgb(stbi_load_from_memory(data, len, &w, &h, &channels, 3));
  if (!rgb) {
    throw bad_input(name, std::string("corrupt or unsupported image: ") + stbi_failure_reason());
  }
  RgbImage img;
  img.width = w;
  img.height = h;
  img.pixels.assign(rgb.get(), rgb.get() + int64_t{w} * h * 3);
  return img;
}

RgbImage decode_image_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw bad_input(path, "cannot open the image file");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  return decode_image_bytes(bytes, path);
}

}  // namespace aimc::models
