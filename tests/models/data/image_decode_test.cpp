// Decoding with stb_image and Pillow-compatible conversion to RGB; refusals
// name the file and never allocate an oversized image.
#include "models/data/image_decode.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "engine/error.h"
#include "support/cli_runner.h"
#include "support/png_writer.h"
#include "support/shared_data.h"

namespace aimc::models {
namespace {

using testing::encode_png;

std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const BadInput& e) {
    return e.what();
  }
  return "(no BadInput thrown)";
}

TEST(ImageDecode, JpegFromSharedSample) {
  const RgbImage img =
      decode_image_file(testing::shared_path("data/imagenet-sample/n01440764_tench.JPEG"));
  EXPECT_GT(img.width, 0);
  EXPECT_GT(img.height, 0);
  EXPECT_EQ(img.pixels.size(), std::size_t(img.width) * img.height * 3);
}

TEST(ImageDecode, GrayIsReplicated) {
  const RgbImage img = decode_image_bytes(as_bytes(encode_png(2, 1, 1, 8, {10, 200})), "g.png");
  EXPECT_EQ(img.pixels, (std::vector<uint8_t>{10, 10, 10, 200, 200, 200}));
}

TEST(ImageDecode, GrayAlphaDropsAlpha) {
  const RgbImage img =
      decode_image_bytes(as_bytes(encode_png(2, 1, 2, 8, {10, 0, 200, 128})), "ga.png");
  EXPECT_EQ(img.pixels, (std::vector<uint8_t>{10, 10, 10, 200, 200, 200}));
}

TEST(ImageDecode, RgbaDropsAlphaWithoutCompositing) {
  const RgbImage img =
      decode_image_bytes(as_bytes(encode_png(1, 1, 4, 8, {1, 2, 3, 0})), "rgba.png");
  EXPECT_EQ(img.pixels, (std::vector<uint8_t>{1, 2, 3}));
}

TEST(ImageDecode, SixteenBitKeepsTheHighByte) {
  const RgbImage img =
      decode_image_bytes(as_bytes(encode_png(1, 1, 3, 16, {0x12ff, 0xab00, 0x0180})), "rgb16.png");
  EXPECT_EQ(img.pixels, (std::vector<uint8_t>{0x12, 0xab, 0x01}));
  const RgbImage gray = decode_image_bytes(as_bytes(encode_png(1, 1, 1, 16, {0xfe01})), "g16.png");
  EXPECT_EQ(gray.pixels, (std::vector<uint8_t>{0xfe, 0xfe, 0xfe}));
}

TEST(ImageDecode, OversizedHeaderIsRefusedBeforeDecoding) {
  const std::string png = testing::png_signature() + testing::png_ihdr(20000, 20000, 3, 8);
  const std::string msg = message_of([&] { decode_image_bytes(as_bytes(png), "huge.png"); });
  EXPECT_NE(msg.find("huge.png"), std::string::npos) << msg;
  EXPECT_NE(msg.find("400000000"), std::string::npos) << msg;
  EXPECT_NE(msg.find("limit"), std::string::npos) << msg;
}

TEST(ImageDecode, CorruptJpegIsRefusedNamingTheFile) {
  const auto jpeg =
      testing::read_binary(testing::shared_path("data/imagenet-sample/n01440764_tench.JPEG"));
  std::vector<uint8_t> cut(jpeg.begin(), jpeg.begin() + 300);
  EXPECT_NE(message_of([&] { decode_image_bytes(cut, "cut.jpg"); }).find("cut.jpg"),
            std::string::npos);
  std::vector<uint8_t> garbled = jpeg;
  for (std::size_t i = 2; i < 200; ++i) garbled[i] = 0xff;
  EXPECT_NE(message_of([&] { decode_image_bytes(garbled, "garbled.jpg"); }).find("garbled.jpg"),
            std::string::npos);
}

TEST(ImageDecode, EmptyMissingAndNonImageFilesAreRefused) {
  testing::ScratchDir dir("decode");
  testing::write_bytes(dir / "empty.png", "");
  testing::write_bytes(dir / "text.jpg", "hello, not an image");
  EXPECT_NE(message_of([&] { decode_image_file((dir / "empty.png").string()); }).find("empty"),
            std::string::npos);
  EXPECT_NE(message_of([&] { decode_image_file((dir / "text.jpg").string()); }).find("text.jpg"),
            std::string::npos);
  EXPECT_NE(
      message_of([&] { decode_image_file((dir / "absent.png").string()); }).find("absent.png"),
      std::string::npos);
}

}  // namespace
}  // namespace aimc::models
