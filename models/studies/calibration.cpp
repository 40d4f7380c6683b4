#include "models/studies/calibration.h"

#include <algorithm>
#include <filesystem>

#include "engine/error.h"
#include "models/data/crops.h"
#include "models/data/dataset.h"
#include "models/data/input_tensor.h"

namespace aimc::models {

namespace fs = std::filesystem;

std::vector<std::string> calibration_images(const std::string& source, int count) {
  std::error_code ec;
  std::vector<std::string> paths;
  if (fs::is_directory(source, ec)) {
    for (const auto& e : fs::recursive_directory_iterator(source, ec))
      if (e.is_regular_file() && is_image_file(e.path().string()))
        paths.push_back(e.path().string());
    if (ec) throw bad_input(source, "cannot list the calibration images: " + ec.message());
  } else if (fs::is_regular_file(source, ec) && is_image_file(source)) {
    paths.push_back(source);
  } else {
    throw bad_input(source, "calibration images not found (expected a directory or an image)");
  }
  if (paths.empty()) throw bad_input(source, "contains no calibration images");
  std::sort(paths.begin(), paths.end());
  if (static_cast<int>(paths.size()) > count) paths.resize(count);
  return paths;
}

std::vector<std::string> calibrate_on_images(Model& model, const std::string& source, int count,
                                             int threads) {
  if (!model.needs_calibration()) return {};
  const auto paths = calibration_images(source, count);
  const auto crops = load_crops(paths, threads);
  model.calibrate({mobilenet_input_from_pixels(crops, static_cast<int>(paths.size()))}, threads);
  return paths;
}

}  // namespace aimc::models
