#include "models/data/preprocess.h"

#include <algorithm>
#include <cmath>

#include "engine/error.h"

namespace aimc::models {
namespace {

// Pillow's PRECISION_BITS for 8-bit images: 32 - 8 - 2.
constexpr int kPrecisionBits = 22;

double bilinear(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}

// One output pixel's source window and fixed-point weights along one axis.
struct Taps {
  int first = 0;
  int count = 0;
  std::vector<int32_t> weights;
};

// Pillow's precompute_coeffs + normalize_coeffs_8bpc for the bilinear filter
// (support 1) over the whole input (box = [0, in_size)).
std::vector<Taps> coefficients(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = scale < 1.0 ? 1.0 : scale;
  const double support = 1.0 * filter_scale;
  std::vector<Taps> taps(out_size);
  std::vector<double> w;
  for (int xx = 0; xx < out_size; ++xx) {
    const double center = (xx + 0.5) * scale;
    int xmin = static_cast<int>(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = static_cast<int>(center + support + 0.5);
    if (xmax > in_size) xmax = in_size;
    xmax -= xmin;
    w.assign(xmax, 0.0);
    double total = 0.0;
    for (int x = 0; x < xmax; ++x) {
      w[x] = bilinear((x + xmin - center + 0.5) / filter_scale);
      total += w[x];
    }
    Taps& t = taps[xx];
    t.first = xmin;
    t.count = xmax;
    t.weights.resize(xmax);
    for (int x = 0; x < xmax; ++x) {
      const double k = total != 0.0 ? w[x] / total : w[x];
      const double fixed = k * (1 << kPrecisionBits);
      t.weights[x] = static_cast<int32_t>(k < 0 ? -0.5 + fixed : 0.5 + fixed);
    }
  }
  return taps;
}

uint8_t clip8(int32_t v) {
  if (v >= (1 << kPrecisionBits << 8)) return 255;
  if (v <= 0) return 0;
  return static_cast<uint8_t>(v >> kPrecisionBits);
}

// Resamples along x (rows first..first+rows of `in`) into a width-out_w image.
RgbImage horizontal(const RgbImage& in, int out_w, int row_first, int rows) {
  const auto taps = coefficients(in.width, out_w);
  RgbImage out{out_w, rows, std::vector<uint8_t>(std::size_t(out_w) * rows * 3)};
  for (int y = 0; y < rows; ++y) {
    const uint8_t* src = &in.pixels[std::size_t(y + row_first) * in.width * 3];
    uint8_t* dst = &out.pixels[std::size_t(y) * out_w * 3];
    for (int xx = 0; xx < out_w; ++xx) {
      const Taps& t = taps[xx];
      for (int c = 0; c < 3; ++c) {
        int32_t acc = 1 << (kPrecisionBits - 1);
        for (int k = 0; k < t.count; ++k) acc += src[(t.first + k) * 3 + c] * t.weights[k];
        dst[xx * 3 + c] = clip8(acc);
      }
    }
  }
  return out;
}

// Resamples along y; `taps` index rows of `in` relative to `row_offset`.
RgbImage vertical(const RgbImage& in, const std::vector<Taps>& taps, int row_offset) {
  const int out_h = static_cast<int>(taps.size());
  RgbImage out{in.width, out_h, std::vector<uint8_t>(std::size_t(in.width) * out_h * 3)};
  const std::size_t stride = std::size_t(in.width) * 3;
  for (int yy = 0; yy < out_h; ++yy) {
    const Taps& t = taps[yy];
    uint8_t* dst = &out.pixels[yy * stride];
    for (std::size_t i = 0; i < stride; ++i) {
      int32_t acc = 1 << (kPrecisionBits - 1);
      for (int k = 0; k < t.count; ++k) {
        acc += in.pixels[std::size_t(t.first - row_offset + k) * stride + i] * t.weights[k];
      }
      dst[i] = clip8(acc);
    }
  }
  return out;
}

}  // namespace

void resized_size(int width, int height, int shorter, int& out_width, int& out_height) {
  // A very elongated image (1 x 10^8) would resize to billions of pixels.
  const double long_side =
      static_cast<double>(shorter) * std::max(width, height) / std::min(width, height);
  if (std::min(width, height) < 1 || long_side * shorter > static_cast<double>(kMaxImagePixels)) {
    throw bad_input("resize", "a " + std::to_string(width) + "x" + std::to_string(height) +
                                  " image would resize to more than " +
                                  std::to_string(kMaxImagePixels) + " pixels");
  }
  // Python: int(256 * long / short), in double precision.
  if (width <= height) {
    out_width = shorter;
    out_height = static_cast<int>(static_cast<double>(shorter) * height / width);
  } else {
    out_height = shorter;
    out_width = static_cast<int>(static_cast<double>(shorter) * width / height);
  }
}

RgbImage resize_bilinear(const RgbImage& img, int out_w, int out_h) {
  if (out_w == img.width && out_h == img.height) return img;  // Pillow returns a copy
  const bool need_h = out_w != img.width;
  const bool need_v = out_h != img.height;
  const auto vtaps = coefficients(img.height, out_h);
  // As Pillow: the horizontal pass covers only the rows the vertical pass reads.
  const int row_first = vtaps.front().first;
  const int row_last = vtaps.back().first + vtaps.back().count;
  if (!need_v) return horizontal(img, out_w, 0, img.height);
  if (!need_h) return vertical(img, vtaps, 0);
  return vertical(horizontal(img, out_w, row_first, row_last - row_first), vtaps, row_first);
}

RgbImage resize_shorter_side(const RgbImage& img, int shorter) {
  int w = 0, h = 0;
  resized_size(img.width, img.height, shorter, w, h);
  return resize_bilinear(img, w, h);
}

RgbImage center_crop(const RgbImage& img, int size) { return center_crop(img, size, size); }

RgbImage center_crop(const RgbImage& img, int height, int width) {
  if (img.width < width || img.height < height) {
    throw bad_input("center crop", "image of " + std::to_string(img.width) + "x" +
                                       std::to_string(img.height) + " is smaller than " +
                                       std::to_string(width) + "x" + std::to_string(height));
  }
  // Python's round((h - size) / 2): half to even, which nearbyint does
  // (torchvision's CenterCrop rounds the same way).
  const int top = static_cast<int>(std::nearbyint((img.height - height) / 2.0));
  const int left = static_cast<int>(std::nearbyint((img.width - width) / 2.0));
  RgbImage out{width, height, std::vector<uint8_t>(std::size_t(width) * height * 3)};
  for (int y = 0; y < height; ++y) {
    const uint8_t* src = &img.pixels[(std::size_t(top + y) * img.width + left) * 3];
    std::copy(src, src + width * 3, &out.pixels[std::size_t(y) * width * 3]);
  }
  return out;
}

RgbImage preprocess_reference(const RgbImage& img) {
  return center_crop(resize_shorter_side(img, 256), 224);
}

RgbImage preprocess_image(const RgbImage& img, const Preprocessing& p) {
  RgbImage sized;
  switch (p.resize) {
    case ResizePolicy::kShorterSide:
      sized = resize_shorter_side(img, p.resize_height);
      break;
    case ResizePolicy::kExact:
      sized = resize_bilinear(img, p.resize_width, p.resize_height);
      break;
    case ResizePolicy::kNone:
      sized = img;
      break;
  }
  return p.crop_height > 0 ? center_crop(sized, p.crop_height, p.crop_width) : sized;
}

}  // namespace aimc::models
