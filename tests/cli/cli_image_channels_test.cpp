// Image variants: 1-, 2- and 4-channel images and
// 16-bit PNGs are accepted and converted as Pillow's convert("RGB") does
// (gray replicated, alpha dropped, 16-bit samples reduced to their high byte).
// Each variant must give exactly the logits of its plain 8-bit RGB twin.
#include <gtest/gtest.h>

#include <filesystem>

#include "models/data/image_decode.h"
#include "support/cli_runner.h"
#include "support/png_writer.h"
#include "support/shared_data.h"

namespace aimc::testing {
namespace {

namespace fs = std::filesystem;

class CliImageChannels : public ::testing::Test {
 protected:
  ScratchDir dir{"channels"};
  models::RgbImage rgb =
      models::decode_image_file(shared_path("data/imagenet-sample/n01440764_tench.JPEG"));
  int pixels() const { return rgb.width * rgb.height; }

  fs::path write(const std::string& name, int channels, int bit_depth,
                 const std::vector<uint16_t>& samples) {
    const fs::path p = dir / name;
    write_bytes(p, encode_png(rgb.width, rgb.height, channels, bit_depth, samples));
    return p;
  }
  // Raw int8 logits of `aimc run` on an image; the run must succeed.
  std::string logits(const fs::path& image) {
    const fs::path out = dir / (image.stem().string() + ".bin");
    const CliResult r =
        run_aimc("run --threads 2 --input '" + image.string() + "' --output '" + out.string() + "'",
                 dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::string bytes = slurp(out);
    EXPECT_EQ(bytes.size(), 1000u);
    return bytes;
  }
  std::vector<uint16_t> gray_samples() const {
    std::vector<uint16_t> g(pixels());
    for (int i = 0; i < pixels(); ++i) g[i] = rgb.pixels[i * 3 + 1];
    return g;
  }
  std::vector<uint16_t> gray_as_rgb() const {
    std::vector<uint16_t> s;
    for (uint16_t v : gray_samples()) s.insert(s.end(), {v, v, v});
    return s;
  }
  std::vector<uint16_t> rgb_samples() const { return {rgb.pixels.begin(), rgb.pixels.end()}; }
  static uint16_t alpha_at(int i) { return static_cast<uint16_t>((i * 37) % 256); }
};

TEST_F(CliImageChannels, OneChannelGrayIsReplicatedToRgb) {
  EXPECT_EQ(logits(write("gray.png", 1, 8, gray_samples())),
            logits(write("gray_rgb.png", 3, 8, gray_as_rgb())));
}

TEST_F(CliImageChannels, TwoChannelGrayAlphaDropsAlpha) {
  std::vector<uint16_t> ga;
  const auto g = gray_samples();
  for (int i = 0; i < pixels(); ++i) ga.insert(ga.end(), {g[i], alpha_at(i)});
  EXPECT_EQ(logits(write("gray_alpha.png", 2, 8, ga)),
            logits(write("gray_rgb.png", 3, 8, gray_as_rgb())));
}

TEST_F(CliImageChannels, FourChannelRgbaDropsAlpha) {
  std::vector<uint16_t> rgba;
  for (int i = 0; i < pixels(); ++i) {
    rgba.insert(rgba.end(),
                {rgb.pixels[i * 3], rgb.pixels[i * 3 + 1], rgb.pixels[i * 3 + 2], alpha_at(i)});
  }
  EXPECT_EQ(logits(write("rgba.png", 4, 8, rgba)), logits(write("rgb.png", 3, 8, rgb_samples())));
}

TEST_F(CliImageChannels, SixteenBitPngKeepsTheHighByte) {
  std::vector<uint16_t> wide;
  for (int i = 0; i < pixels() * 3; ++i) {
    wide.push_back(static_cast<uint16_t>(rgb.pixels[i] << 8 | ((i * 91) & 0xff)));
  }
  const std::string a = logits(write("rgb16.png", 3, 16, wide));
  EXPECT_EQ(a, logits(write("rgb.png", 3, 8, rgb_samples())));
  // And the result is the JPEG's own classification pipeline, not a fallback.
  EXPECT_EQ(a, logits(shared_path("data/imagenet-sample/n01440764_tench.JPEG")));
}

}  // namespace
}  // namespace aimc::testing
