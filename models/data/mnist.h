#pragma once
// MNIST in LeCun's IDX format (t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte,
// gzipped or not): a big-endian header (magic 0x00000803 for images of
// uint8 [count, rows, cols], 0x00000801 for uint8 labels [count]), then the
// bytes. A sample becomes the model's input as x = float32(p) / 255 in
// [0, 1], laid out in the model input's shape ([N, 784] for an MLP,
// [N, 28, 28] for an LSTM over the rows); nothing else is done to it.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace aimc::models {

inline constexpr uint32_t kIdxImagesMagic = 0x00000803;
inline constexpr uint32_t kIdxLabelsMagic = 0x00000801;

struct IdxImages {
  int64_t count = 0;
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<uint8_t> pixels;  // count × rows × cols, row-major
  int64_t sample_size() const { return rows * cols; }
};

// Whether `path` is meant as IDX data rather than an image directory or
// CSV: a regular file whose (gunzipped) first two bytes are zero, as every
// IDX magic's are, or whose name has MNIST's "idx3-ubyte" or "idx1-ubyte".
// The readers check the rest.
bool is_idx_file(const std::string& path);

// Read and check the whole file; BadInput naming the file when it is
// missing, not gzip/IDX, has the wrong magic or dims, or is truncated or
// longer than its header says.
IdxImages read_idx_images(const std::string& path);
std::vector<uint8_t> read_idx_labels(const std::string& path);

// The label file beside an image file: "t10k-images-idx3-ubyte.gz" ->
// "t10k-labels-idx1-ubyte.gz" in the same folder; empty when the name does
// not follow that pattern.
std::string idx_labels_beside(const std::string& images_path);

// An image file with its labels: same count, digits 0..9.
struct MnistSet {
  std::string images_path;
  std::string labels_path;
  IdxImages images;
  std::vector<uint8_t> labels;
};

// `labels_path` empty: the file beside (idx_labels_beside). BadInput names
// the files on a count mismatch or a label above 9.
MnistSet load_mnist(const std::string& images_path, const std::string& labels_path = "");

// Samples [first, first + count) as float32 p / 255 of shape
// [count] + sample_shape; BadInput naming `model` (the model file) unless
// sample_shape holds exactly rows × cols elements.
Tensor mnist_samples(const MnistSet& set, int64_t first, int64_t count, const Shape& sample_shape,
                     const std::string& model);

}  // namespace aimc::models
