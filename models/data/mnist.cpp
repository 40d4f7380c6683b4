#include "models/data/mnist.h"

#include <zlib.h>

#include <array>
#include <filesystem>
#include <memory>

#include "engine/error.h"

namespace aimc::models {
namespace {

// MNIST is 47 MB unpacked; a header claiming more than this is refused
// before anything is allocated (the tensor limit, 2^28 elements).
constexpr int64_t kMaxIdxBytes = int64_t{1} << 28;

struct GzClose {
  void operator()(gzFile_s* f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzClose>;

// zlib reads gzip and plain files alike (transparent mode), so one reader
// serves both forms of the MNIST files.
GzFile open_idx(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw bad_input(path, "IDX file not found (expected e.g. t10k-images-idx3-ubyte.gz)");
  GzFile f(gzopen(path.c_str(), "rb"));
  if (!f) throw bad_input(path, "cannot open the IDX file");
  return f;
}

// Up to `n` bytes; fewer only at the end of the data.
int64_t read_some(gzFile_s* f, uint8_t* dst, int64_t n, const std::string& path) {
  int64_t done = 0;
  while (done < n) {
    const auto chunk = static_cast<unsigned>(std::min<int64_t>(n - done, 1 << 30));
    const int got = gzread(f, dst + done, chunk);
    if (got < 0) {
      int err = 0;
      throw bad_input(path, std::string("is not a readable gzip/IDX file: ") + gzerror(f, &err));
    }
    if (got == 0) break;
    done += got;
  }
  return done;
}

uint32_t big_endian(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
}

// The header's dims after checking the magic; then the body, exactly as
// long as the dims say.
std::vector<uint8_t> read_idx(const std::string& path, uint32_t magic, std::vector<int64_t>& dims) {
  GzFile f = open_idx(path);
  const int rank = static_cast<int>(magic & 0xff);
  std::vector<uint8_t> header(4 + 4 * static_cast<std::size_t>(rank));
  if (read_some(f.get(), header.data(), 4, path) != 4)
    throw bad_input(path, "is truncated: no IDX header");
  if (big_endian(header.data()) != magic) {
    char text[80];
    std::snprintf(text, sizeof text, "has IDX magic 0x%08x, expected 0x%08x (%s)",
                  big_endian(header.data()), magic,
                  magic == kIdxImagesMagic ? "uint8 images" : "uint8 labels");
    throw bad_input(path, text);
  }
  const int64_t want = 4 * int64_t{rank};
  if (read_some(f.get(), header.data() + 4, want, path) != want)
    throw bad_input(path, "is truncated in its IDX header");
  int64_t bytes = 1;
  dims.clear();
  for (int d = 0; d < rank; ++d) {
    const int64_t n = big_endian(header.data() + 4 + 4 * d);
    if (n < 1 || n > kMaxIdxBytes || bytes * n > kMaxIdxBytes)
      throw bad_input(path, "has IDX dimensions beyond 2^28 bytes or of zero size");
    dims.push_back(n);
    bytes *= n;
  }
  std::vector<uint8_t> body(static_cast<std::size_t>(bytes));
  const int64_t got = read_some(f.get(), body.data(), bytes, path);
  if (got != bytes) {
    throw bad_input(path, "is truncated: its header promises " + std::to_string(bytes) +
                              " bytes of data, the file holds " + std::to_string(got));
  }
  std::array<uint8_t, 1> extra{};
  if (read_some(f.get(), extra.data(), 1, path) != 0)
    throw bad_input(path, "holds more data than its IDX header says");
  return body;
}

}  // namespace

bool is_idx_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  const std::string name = std::filesystem::path(path).filename().string();
  if (name.find("idx3-ubyte") != std::string::npos || name.find("idx1-ubyte") != std::string::npos)
    return true;
  GzFile f(gzopen(path.c_str(), "rb"));
  std::array<uint8_t, 2> head{1, 1};
  return f && gzread(f.get(), head.data(), 2) == 2 && head[0] == 0 && head[1] == 0;
}

IdxImages read_idx_images(const std::string& path) {
  std::vector<int64_t> dims;
  IdxImages im;
  im.pixels = read_idx(path, kIdxImagesMagic, dims);
  im.count = dims[0];
  im.rows = dims[1];
  im.cols = dims[2];
  return im;
}

std::vector<uint8_t> read_idx_labels(const std::string& path) {
  std::vector<int64_t> dims;
  return read_idx(path, kIdxLabelsMagic, dims);
}

std::string idx_labels_beside(const std::string& images_path) {
  const std::filesystem::path p(images_path);
  std::string name = p.filename().string();
  const auto at = name.find("images-idx3");
  if (at == std::string::npos) return "";
  name.replace(at, 11, "labels-idx1");
  return (p.parent_path() / name).string();
}

MnistSet load_mnist(const std::string& images_path, const std::string& labels_path) {
  MnistSet s;
  s.images_path = images_path;
  s.labels_path = labels_path.empty() ? idx_labels_beside(images_path) : labels_path;
  if (s.labels_path.empty()) {
    throw bad_input(images_path,
                    "no label file beside it (its name has no 'images-idx3'); give --labels");
  }
  s.images = read_idx_images(images_path);
  s.labels = read_idx_labels(s.labels_path);
  if (static_cast<int64_t>(s.labels.size()) != s.images.count) {
    throw bad_input(s.labels_path, "holds " + std::to_string(s.labels.size()) + " labels but " +
                                       images_path + " holds " + std::to_string(s.images.count) +
                                       " images");
  }
  for (std::size_t i = 0; i < s.labels.size(); ++i) {
    if (s.labels[i] > 9) {
      throw bad_input(s.labels_path, "label " + std::to_string(i) + " is " +
                                         std::to_string(s.labels[i]) + ", not a digit 0..9");
    }
  }
  return s;
}

Tensor mnist_samples(const MnistSet& set, int64_t first, int64_t count, const Shape& sample_shape,
                     const std::string& model) {
  const int64_t n = set.images.sample_size();
  if (element_count(sample_shape) != n || sample_shape.empty()) {
    throw bad_input(model, "input takes samples of " + shape_str(sample_shape) + ", not the " +
                               std::to_string(n) + " pixels of an image of " + set.images_path +
                               " (" + std::to_string(set.images.rows) + "x" +
                               std::to_string(set.images.cols) + ")");
  }
  if (first < 0 || count < 0 || first + count > set.images.count)
    throw std::out_of_range("mnist_samples: range outside the set");
  Shape shape{count};
  shape.insert(shape.end(), sample_shape.begin(), sample_shape.end());
  Tensor t(DType::kFloat32, shape);
  float* dst = t.data<float>();
  const uint8_t* src = set.images.pixels.data() + first * n;
  // The same float32 division as train.py's torch tensor / 255.
  for (int64_t i = 0; i < count * n; ++i) dst[i] = static_cast<float>(src[i]) / 255.0f;
  return t;
}

}  // namespace aimc::models
