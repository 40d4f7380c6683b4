// The preprocessing of ../shared/README.md: Pillow's antialiased bilinear
// resize (shorter side 256), center crop 224 with half-to-even rounding.
#include "models/data/preprocess.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/error.h"
#include "support/shared_data.h"

namespace aimc::models {
namespace {

constexpr int kCrop = 224 * 224 * 3;

RgbImage ramp(int w, int h) {
  RgbImage img{w, h, std::vector<uint8_t>(std::size_t(w) * h * 3)};
  for (std::size_t i = 0; i < img.pixels.size(); ++i)
    img.pixels[i] = static_cast<uint8_t>((i * 7) % 251);
  return img;
}

TEST(Preprocess, ResizedSizeTruncatesTheLongSideAsPythonInt) {
  int w = 0, h = 0;
  resized_size(500, 375, 256, w, h);
  EXPECT_EQ(w, 341);  // int(256 * 500 / 375) = int(341.33)
  EXPECT_EQ(h, 256);
  resized_size(375, 500, 256, w, h);
  EXPECT_EQ(w, 256);
  EXPECT_EQ(h, 341);
  resized_size(300, 300, 256, w, h);
  EXPECT_EQ(w, 256);
  EXPECT_EQ(h, 256);
}

TEST(Preprocess, ExtremelyElongatedImagesAreRefused) {
  int w = 0, h = 0;
  EXPECT_THROW(resized_size(1, 100'000'000, 256, w, h), BadInput);
  EXPECT_THROW(resized_size(0, 10, 256, w, h), BadInput);
  EXPECT_NO_THROW(resized_size(10, 10000, 256, w, h));
  EXPECT_EQ(h, 256000);
}

TEST(Preprocess, SameSizeIsTheIdentity) {
  const RgbImage img = ramp(256, 300);
  const RgbImage out = resize_shorter_side(img, 256);
  EXPECT_EQ(out.width, 256);
  EXPECT_EQ(out.height, 300);
  EXPECT_EQ(out.pixels, img.pixels);
}

TEST(Preprocess, ConstantImageStaysConstantWhenShrinkingAndEnlarging) {
  for (auto [w, h] : {std::pair{1000, 700}, std::pair{100, 90}}) {
    RgbImage img{w, h, std::vector<uint8_t>(std::size_t(w) * h * 3, 77)};
    const RgbImage out = resize_shorter_side(img, 256);
    ASSERT_EQ(std::min(out.width, out.height), 256);
    for (uint8_t v : out.pixels) ASSERT_EQ(v, 77);
  }
}

TEST(Preprocess, CenterCropRoundsHalfToEven) {
  // (257 - 224) / 2 = 16.5 -> 16; (259 - 224) / 2 = 17.5 -> 18.
  RgbImage img{259, 257, std::vector<uint8_t>(259 * 257 * 3)};
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      img.pixels[(std::size_t(y) * img.width + x) * 3 + 0] = static_cast<uint8_t>(y);
      img.pixels[(std::size_t(y) * img.width + x) * 3 + 1] = static_cast<uint8_t>(x);
    }
  const RgbImage c = center_crop(img, 224);
  EXPECT_EQ(c.pixels[0], 16);  // top
  EXPECT_EQ(c.pixels[1], 18);  // left
}

TEST(Preprocess, CropLargerThanImageIsRefused) {
  EXPECT_THROW(center_crop(ramp(100, 300), 224), std::exception);
}

// Against Pillow itself: the reference crops of ../shared/reference were made
// with Pillow from the JPEGs. The resize is Pillow-exact; what remains are
// libjpeg vs stb_image IDCT/upsampling differences of a few levels.
TEST(Preprocess, JpegCropsMatchTheReferenceCrops) {
  const auto crops = testing::read_binary(testing::shared_path("reference/crops_u8.bin"));
  std::ifstream meta_file(testing::shared_path("reference/images.json"));
  const auto meta = nlohmann::json::parse(meta_file);
  const std::size_t rows = testing::kSanitized ? 10 : meta.size();
  ASSERT_EQ(meta.size(), 100u);
  int64_t total = 0, exact = 0, sum = 0;
  int max_diff = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    const int row = meta[i]["row"];
    const RgbImage crop = preprocess_reference(decode_image_file(
        testing::shared_path("data/imagenet-sample/" + meta[i]["file"].get<std::string>())));
    ASSERT_EQ(crop.width, 224);
    ASSERT_EQ(crop.height, 224);
    for (int k = 0; k < kCrop; ++k) {
      const int d = std::abs(int(crop.pixels[k]) - int(crops[std::size_t(row) * kCrop + k]));
      max_diff = std::max(max_diff, d);
      exact += d == 0;
      sum += d;
      ++total;
    }
  }
  const double exact_frac = double(exact) / total;
  const double mean = double(sum) / total;
  std::printf("crops vs Pillow: %.4f of bytes exact, mean |diff| %.4f, max %d\n", exact_frac, mean,
              max_diff);
  // Measured on all 100: 0.9744 exact, mean 0.0263, max 3.
  EXPECT_LE(max_diff, 3);
  EXPECT_GE(exact_frac, 0.97);
  EXPECT_LE(mean, 0.03);
}

// The resize alone, against Pillow 9.4 on synthetic images (no JPEG decoder
// in the way). The hashes are FNV-1a 64 of Pillow's output bytes, made with
//   img = Image.fromarray(((arange(w*h*3) * 7) % 251).astype(uint8).reshape(h, w, 3))
//   fnv1a64(img.resize((ow, oh), Image.BILINEAR).tobytes())
// Shrinking in both axes, enlarging, and one axis only.
uint64_t fnv1a64(const std::vector<uint8_t>& bytes) {
  uint64_t x = 0xcbf29ce484222325ull;
  for (uint8_t c : bytes) x = (x ^ c) * 0x100000001b3ull;
  return x;
}

TEST(Preprocess, ResizeEqualsPillowByteForByte) {
  struct Case {
    int w, h, ow, oh;
    uint64_t pillow_hash;
  };
  for (const Case& c : {Case{301, 263, 150, 131, 0x0a2d0258fe965a6full},
                        Case{37, 29, 61, 50, 0xecbc3b5ff818bdbdull},
                        Case{500, 375, 341, 256, 0x707963ef9ebb3709ull},
                        Case{40, 300, 40, 120, 0xe24fff96a52711fbull}}) {
    const RgbImage out = resize_bilinear(ramp(c.w, c.h), c.ow, c.oh);
    ASSERT_EQ(out.width, c.ow);
    ASSERT_EQ(out.height, c.oh);
    EXPECT_EQ(fnv1a64(out.pixels), c.pillow_hash)
        << c.w << "x" << c.h << " -> " << c.ow << "x" << c.oh;
  }
}

}  // namespace
}  // namespace aimc::models
