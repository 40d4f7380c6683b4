#pragma once
// Where the CLI finds the shared model, labels and images without flags.
// Build-time default: the ../shared directory CMake saw beside the source
// tree (AIMC_DEFAULT_SHARED_DIR); run-time overrides: the environment
// variables AIMC_SHARED_DIR (the whole directory) and AIMC_MODEL (the model).
#include <string>

namespace aimc::models {

std::string default_shared_dir();
std::string default_model_path();        // AIMC_MODEL or <shared>/models/mobilenetv2_int8_qdq.onnx
std::string default_float_model_path();  // <shared>/models/mobilenetv2_fp32.onnx
std::string default_labels_path();       // <shared>/models/labels.txt
std::string default_images_dir();        // <shared>/data/imagenet-sample

// Throws BadInput naming `path`, what it is (`what`: "model", "labels", ...)
// and how to point aimc at it when the file or directory does not exist.
void require_exists(const std::string& path, const std::string& what);

}  // namespace aimc::models
