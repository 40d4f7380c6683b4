#pragma once
// Paths into ../shared for tests, and small readers for its binary files.
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "engine/tensor.h"
#include "support/test_paths.h"

namespace aimc::testing {

inline std::string shared_dir() { return shared_dir_path(); }
inline std::string shared_path(const std::string& rel) { return shared_dir() + "/" + rel; }
inline std::string qdq_model_path() { return shared_path("models/mobilenetv2_int8_qdq.onnx"); }
inline std::string fp32_model_path() { return shared_path("models/mobilenetv2_fp32.onnx"); }

template <typename T = uint8_t>
std::vector<T> read_binary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<T> out(bytes.size() / sizeof(T));
  std::copy(bytes.begin(), bytes.begin() + out.size() * sizeof(T),
            reinterpret_cast<char*>(out.data()));
  return out;
}

// The model input for `count` 224x224x3 NHWC crops, per ../shared/README.md
// step 4 (x = float32(p)/float32(127.5) - 1, laid out NCHW). Written from the
// spec here so that engine tests do not depend on models/.
inline Tensor reference_input_from_crops(const uint8_t* pixels, int count) {
  constexpr int kSide = 224;
  Tensor t(DType::kFloat32, {count, 3, kSide, kSide});
  float* x = t.data<float>();
  for (int n = 0; n < count; ++n)
    for (int c = 0; c < 3; ++c)
      for (int i = 0; i < kSide * kSide; ++i)
        x[(n * 3 + c) * kSide * kSide + i] =
            static_cast<float>(pixels[(n * kSide * kSide + i) * 3 + c]) / 127.5f - 1.0f;
  return t;
}

// Heavy loops run on fewer samples under ASan/UBSan (same code paths).
#ifdef AIMC_SANITIZED_BUILD
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

}  // namespace aimc::testing
