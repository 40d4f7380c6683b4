#pragma once
// Paths into ../shared for tests, and small readers for its binary files.
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace aimc::testing {

inline std::string shared_dir() { return AIMC_TEST_SHARED_DIR; }
inline std::string shared_path(const std::string& rel) { return shared_dir() + "/" + rel; }
inline std::string qdq_model_path() { return shared_path("models/mobilenetv2_int8_qdq.onnx"); }
inline std::string fp32_model_path() { return shared_path("models/mobilenetv2_fp32.onnx"); }

template <typename T = uint8_t>
std::vector<T> read_binary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<T> out(bytes.size() / sizeof(T));
  std::copy(bytes.begin(), bytes.begin() + out.size() * sizeof(T), reinterpret_cast<char*>(out.data()));
  return out;
}

// Heavy loops run on fewer samples under ASan/UBSan (same code paths).
#ifdef AIMC_SANITIZED_BUILD
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

}  // namespace aimc::testing
