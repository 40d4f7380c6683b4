// libFuzzer target: image decoding (stb_image through decode_image_bytes)
// and the reference preprocessing (Pillow-exact bilinear resize to a shorter
// side of 256, center crop 224).
//
// Work is capped at about 4 megapixels so that one input stays well under
// the 10 s timeout with ASan: stb_image_impl.cpp refuses images wider or
// taller than 2048 pixels, and preprocessing is skipped when the input or
// its resized image exceeds 4 Mpixel (a 2048x8 image would resize to
// 65536x256).
#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/error.h"
#include "models/data/image_decode.h"
#include "models/data/preprocess.h"

namespace {
constexpr int64_t kMaxFuzzPixels = 4'000'000;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const aimc::models::RgbImage img =
        aimc::models::decode_image_bytes(std::span<const uint8_t>(data, size), "fuzz");
    if (int64_t{img.width} * img.height > kMaxFuzzPixels) return 0;
    int rw = 0, rh = 0;
    aimc::models::resized_size(img.width, img.height, 256, rw, rh);
    if (int64_t{rw} * rh > kMaxFuzzPixels) return 0;
    const aimc::models::RgbImage out = aimc::models::preprocess_reference(img);
    if (out.width != 224 || out.height != 224 || out.pixels.size() != 224u * 224u * 3u)
      __builtin_trap();
  } catch (const aimc::BadInput&) {
  }
  return 0;
}
