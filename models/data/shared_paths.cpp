#include "models/data/shared_paths.h"

#include <cstdlib>
#include <filesystem>

#include "engine/error.h"

namespace aimc::models {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return (v && *v) ? std::string(v) : fallback;
}

}  // namespace

std::string default_shared_dir() { return env_or("AIMC_SHARED_DIR", AIMC_DEFAULT_SHARED_DIR); }

std::string default_model_path() {
  return env_or("AIMC_MODEL", default_shared_dir() + "/models/mobilenetv2_int8_qdq.onnx");
}

std::string default_float_model_path() {
  return default_shared_dir() + "/models/mobilenetv2_fp32.onnx";
}

std::string default_labels_path() { return default_shared_dir() + "/models/labels.txt"; }

std::string default_images_dir() { return default_shared_dir() + "/data/imagenet-sample"; }

void require_exists(const std::string& path, const std::string& what) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw bad_input(path, what +
                              " not found (pass it explicitly, or set AIMC_SHARED_DIR to the "
                              "directory holding models/ and data/)");
  }
}

}  // namespace aimc::models
