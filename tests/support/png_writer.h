#pragma once
// A minimal PNG encoder for tests (stored, uncompressed deflate blocks), so
// tests can make 1-, 2-, 3- and 4-channel, 8- and 16-bit images and crafted
// headers without any image library of their own.
#include <cstdint>
#include <string>
#include <vector>

namespace aimc::testing {

inline std::string png_be32(uint32_t v) {
  return std::string{char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

inline uint32_t png_crc32(const std::string& s) {
  uint32_t c = 0xffffffffu;
  for (unsigned char ch : s) {
    c ^= ch;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return c ^ 0xffffffffu;
}

inline std::string png_chunk(const std::string& type, const std::string& data) {
  const std::string body = type + data;
  return png_be32(static_cast<uint32_t>(data.size())) + body + png_be32(png_crc32(body));
}

inline std::string png_signature() { return std::string("\x89PNG\r\n\x1a\n", 8); }

// PNG colour type for 1 (gray), 2 (gray+alpha), 3 (RGB), 4 (RGBA) channels.
inline char png_color_type(int channels) {
  static constexpr char kTypes[] = {0, 0, 4, 2, 6};
  return kTypes[channels];
}

inline std::string png_ihdr(uint32_t width, uint32_t height, int channels, int bit_depth) {
  return png_chunk("IHDR", png_be32(width) + png_be32(height) +
                               std::string{char(bit_depth), png_color_type(channels), 0, 0, 0});
}

// `samples`: height*width*channels values, row-major, each < 2^bit_depth
// (bit_depth 8 or 16; 16-bit samples are stored big-endian as PNG says).
inline std::string encode_png(int width, int height, int channels, int bit_depth,
                              const std::vector<uint16_t>& samples) {
  std::string raw;
  const int bytes_per_sample = bit_depth / 8;
  for (int y = 0; y < height; ++y) {
    raw.push_back(0);  // filter type None
    for (int i = 0; i < width * channels; ++i) {
      const uint16_t v = samples[static_cast<std::size_t>(y) * width * channels + i];
      if (bytes_per_sample == 2) raw.push_back(char(v >> 8));
      raw.push_back(char(v & 0xff));
    }
  }
  std::string z = {0x78, 0x01};
  std::size_t pos = 0;
  do {
    const std::size_t n = std::min<std::size_t>(65535, raw.size() - pos);
    const bool last = pos + n == raw.size();
    z.push_back(last ? 1 : 0);
    z.push_back(char(n & 0xff));
    z.push_back(char(n >> 8));
    z.push_back(char(~n & 0xff));
    z.push_back(char((~n >> 8) & 0xff));
    z.append(raw, pos, n);
    pos += n;
  } while (pos < raw.size());
  uint32_t a = 1, b = 0;
  for (unsigned char ch : raw) {
    a = (a + ch) % 65521;
    b = (b + a) % 65521;
  }
  z += png_be32((b << 16) | a);
  return png_signature() + png_ihdr(width, height, channels, bit_depth) + png_chunk("IDAT", z) +
         png_chunk("IEND", "");
}

}  // namespace aimc::testing
