#include "models/data/image_decode.h"

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

int64_t be32(std::span<const uint8_t> b, std::size_t i) {
  return int64_t{b[i]} << 24 | int64_t{b[i + 1]} << 16 | int64_t{b[i + 2]} << 8 | int64_t{b[i + 3]};
}

// stb refuses large PNGs with a generic error before reporting their size, so
// the PNG header (IHDR, always first) is read here for the pixel-limit check.
bool png_dimensions(std::span<const uint8_t> b, int64_t& w, int64_t& h) {
  static constexpr uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (b.size() < 24 || !std::equal(kSignature, kSignature + 8, b.begin())) return false;
  if (!std::equal(b.begin() + 12, b.begin() + 16, "IHDR")) return false;
  w = be32(b, 16);
  h = be32(b, 20);
  return true;
}

// stb grows its IDAT buffer to a chunk's declared length before reading the
// chunk, so a 100-byte PNG declaring a 2 GB chunk made it allocate 2 GB
// (found by fuzzing). Walking the chunks as stb does (length, type, data,
// CRC) up to IEND, every chunk's data must lie within the file; stb would
// refuse a file that ends early anyway, only later.
void check_png_chunks(std::span<const uint8_t> b, const std::string& name) {
  std::size_t pos = 8;  // after the signature
  while (pos + 8 <= b.size()) {
    const auto length = static_cast<uint64_t>(be32(b, pos));
    if (length > b.size() - pos - 8) {
      throw bad_input(name, "corrupt PNG: a chunk of " + std::to_string(length) +
                                " bytes runs past the end of the file");
    }
    if (std::equal(b.begin() + static_cast<std::ptrdiff_t>(pos) + 4,
                   b.begin() + static_cast<std::ptrdiff_t>(pos) + 8, "IEND")) {
      return;
    }
    pos += 12 + static_cast<std::size_t>(length);
  }
}

void check_pixel_limit(int64_t w, int64_t h, const std::string& name) {
  // w and h come from 32-bit header fields (PNG's are unsigned), so their
  // product always fits in 64 unsigned bits but not always in int64_t.
  const uint64_t pixels =
      w <= 0 || h <= 0 ? 0 : static_cast<uint64_t>(w) * static_cast<uint64_t>(h);
  if (w <= 0 || h <= 0 || pixels > static_cast<uint64_t>(kMaxImagePixels)) {
    throw bad_input(name, "image is " + std::to_string(w) + "x" + std::to_string(h) + " = " +
                              std::to_string(pixels) + " pixels, above the limit of " +
                              std::to_string(kMaxImagePixels));
  }
}

enum class Format { kJpeg, kPng, kBmp, kOther };

// stb_image also reads GIF, PSD, TGA, HDR, PIC and PNM; aimc promises (and
// tests) JPEG, PNG and BMP only, so the other decoders are not exposed.
Format sniff_format(std::span<const uint8_t> b) {
  static constexpr uint8_t kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (b.size() >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff) return Format::kJpeg;
  if (b.size() >= 8 && std::equal(kPng, kPng + 8, b.begin())) return Format::kPng;
  if (b.size() >= 2 && b[0] == 'B' && b[1] == 'M') return Format::kBmp;
  return Format::kOther;
}

// Debian's stb_image (v2.27) writes past its Huffman tables (257 code
// lengths, 256 symbols) when a JPEG DHT segment declares more than 256 codes
// in one table: a heap overflow from a 600-byte file, fixed upstream in
// v2.28. Such a table is invalid JPEG (at most 256 symbols), so it is refused
// here before stb sees it.
//
// The DHT segment starting at `pos` (just after its FF C4 marker), parsed
// as stb parses it (bytes past the end read as 0): true if a table that stb
// would accept the header of declares more than 256 codes.
bool dht_overflows(std::span<const uint8_t> b, std::size_t pos) {
  auto byte = [&](std::size_t i) -> int { return i < b.size() ? b[i] : 0; };
  int64_t left = (byte(pos) << 8 | byte(pos + 1)) - 2;
  pos += 2;
  while (left > 0) {
    const int q = byte(pos++);
    if ((q >> 4) > 1 || (q & 15) > 3) return false;  // stb refuses the segment
    int64_t n = 0;
    for (int i = 0; i < 16; ++i) n += byte(pos++);
    if (n > 256) return true;
    pos += static_cast<std::size_t>(n);
    left -= 17 + n;
  }
  return false;
}

// Walks the JPEG's marker segments the way stb does up to the first SOS
// (each segment skipped by its declared length, fill bytes and junk between
// segments skipped byte by byte) and checks every DHT on the way. Past the
// first SOS, where stb's position depends on its entropy decoding, every
// FF C4 byte pair is checked: entropy-coded data never contains one (a data
// byte FF is always stuffed as FF 00), so this refuses no valid file.
void check_jpeg_huffman_tables(std::span<const uint8_t> b, const std::string& name) {
  auto refuse = [&] {
    throw bad_input(name, "corrupt JPEG: a Huffman table (DHT) declares more than 256 codes");
  };
  std::size_t pos = 2;  // after SOI
  while (pos < b.size()) {
    if (b[pos] != 0xff) {  // junk between segments
      ++pos;
      continue;
    }
    while (pos < b.size() && b[pos] == 0xff) ++pos;  // fill bytes
    if (pos >= b.size()) return;
    const uint8_t marker = b[pos++];
    if (marker == 0xd9) return;  // EOI
    if (marker == 0xda) break;   // SOS: entropy-coded data follows
    if (marker == 0xc4 && dht_overflows(b, pos)) refuse();
    if (marker == 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker == 0x01) continue;
    if (pos + 1 >= b.size()) return;
    pos += static_cast<std::size_t>(b[pos] << 8 | b[pos + 1]);  // the length counts itself
  }
  for (std::size_t i = pos; i + 1 < b.size(); ++i) {
    if (b[i] == 0xff && b[i + 1] == 0xc4 && dht_overflows(b, i + 2)) refuse();
  }
}

}  // namespace

RgbImage decode_image_bytes(std::span<const uint8_t> bytes, const std::string& name) {
  if (bytes.empty()) throw bad_input(name, "the image file is empty");
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw bad_input(name, "the image file is larger than 2 GiB");
  }
  const Format format = sniff_format(bytes);
  if (format == Format::kOther) throw bad_input(name, "not a JPEG, PNG or BMP image");
  if (format == Format::kJpeg) check_jpeg_huffman_tables(bytes, name);
  if (format == Format::kPng) check_png_chunks(bytes, name);
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
