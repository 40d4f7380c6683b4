#include "models/data/input_files.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

#include "engine/error.h"
#include "models/data/file_bytes.h"
#include "models/data/image_decode.h"
#include "models/data/input_tensor.h"
#include "models/data/preprocess.h"

namespace aimc::models {
namespace {

constexpr std::size_t kImageFloats = 3 * 224 * 224;

Tensor read_f32_input(const std::string& path, const Model& model) {
  Shape shape = model.input_shape();
  if (shape.empty()) throw bad_input(model.graph().source, "the model input has no static shape");
  if (shape[0] < 0) shape[0] = 1;
  for (int64_t d : shape) {
    if (d < 0)
      throw bad_input(model.graph().source,
                      "the model input shape is not static besides the batch");
  }
  const std::string bytes = read_file_bytes(path);
  Tensor t(DType::kFloat32, shape);
  if (bytes.size() != t.byte_size()) {
    throw bad_input(path, "a .f32 input must hold the model input " + shape_str(shape) + " = " +
                              std::to_string(t.byte_size()) + " bytes, found " +
                              std::to_string(bytes.size()));
  }
  std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(t.raw()));
  return t;
}

}  // namespace

Tensor load_model_input(const std::string& path, const Model& model) {
  constexpr std::size_t kCropBytes = 224 * 224 * 3;
  if (path.ends_with(".u8")) {
    const std::string bytes = read_file_bytes(path);
    if (bytes.size() != kCropBytes) {
      throw bad_input(path, "a .u8 input must hold 224x224x3 = 150528 bytes, found " +
                                std::to_string(bytes.size()));
    }
    return mobilenet_input_from_pixels(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 1);
  }
  if (path.ends_with(".f32")) return read_f32_input(path, model);
  const RgbImage crop = preprocess_reference(decode_image_file(path));
  return mobilenet_input_from_pixels(crop.pixels, 1);
}

Tensor read_raw_batch(const std::string& path, int batch) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw bad_input(path, "cannot open the input file");
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t want = static_cast<std::size_t>(batch) * kImageFloats * sizeof(float);
  if (bytes.size() != want) {
    throw bad_input(path, "has " + std::to_string(bytes.size()) + " bytes; batch " +
                              std::to_string(batch) + " needs " + std::to_string(want) +
                              " (raw float32 [batch, 3, 224, 224])");
  }
  Tensor t(DType::kFloat32, Shape{batch, 3, 224, 224});
  std::memcpy(t.data<float>(), bytes.data(), bytes.size());
  return t;
}

Tensor synthetic_batch(int batch) {
  std::vector<uint8_t> pixels(static_cast<std::size_t>(batch) * kImageFloats);
  std::mt19937 rng(12345);  // fixed: identical input on every run
  for (auto& p : pixels) p = static_cast<uint8_t>(rng() & 0xff);
  return mobilenet_input_from_pixels(pixels, batch);
}

}  // namespace aimc::models
