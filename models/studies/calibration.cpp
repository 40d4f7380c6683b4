#include "models/studies/calibration.h"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "engine/error.h"
#include "models/data/crops.h"
#include "models/data/dataset.h"
#include "models/data/input_tensor.h"
#include "models/data/model_inputs.h"
#include "models/data/npy.h"

namespace aimc::models {

namespace fs = std::filesystem;

namespace {

bool sample_fits(const Shape& sample, const Shape& input) {
  if (sample.size() + 1 != input.size()) return false;
  for (std::size_t d = 0; d < sample.size(); ++d)
    if (input[d + 1] >= 0 && input[d + 1] != sample[d]) return false;
  return true;
}

}  // namespace

std::vector<std::string> calibration_images(const std::string& source, int count, int every) {
  std::error_code ec;
  std::vector<std::string> paths;
  if (fs::is_directory(source, ec)) {
    paths = calibration_split(source, every);
  } else if (fs::is_regular_file(source, ec) && is_image_file(source)) {
    paths.push_back(source);
  } else {
    throw bad_input(source,
                    "calibration set not found (expected a directory of images or .npy files, an "
                    "image or a .npy file)");
  }
  if (paths.empty()) throw bad_input(source, "contains no calibration images");
  if (static_cast<int>(paths.size()) > count) paths.resize(count);
  return paths;
}

bool is_tensor_calibration_source(const std::string& source) {
  std::error_code ec;
  if (!fs::is_directory(source, ec)) return is_npy_path(source);
  const bool npy = !files_in_path_order(source, is_npy_path).empty();
  if (npy && !files_in_path_order(source, is_image_file).empty())
    throw bad_input(source, "holds both images and .npy files; give a folder of one kind");
  return npy;
}

Tensor calibration_tensors(const std::string& source, int count, const Model& model,
                           std::vector<std::string>* files_used) {
  const auto inputs = model_inputs(model);
  if (inputs.size() != 1 || inputs[0].shape.empty()) {
    throw bad_input(source,
                    "calibration from .npy feeds one input with a batch axis; the model "
                    "has " +
                        std::to_string(inputs.size()) + " inputs");
  }
  const ModelInput& in = inputs[0];
  std::error_code ec;
  const std::vector<std::string> files =
      fs::is_directory(source, ec) ? files_in_path_order(source, is_npy_path) : std::vector{source};
  std::string bytes;
  Shape sample;
  int64_t n = 0;
  for (const std::string& file : files) {
    if (n >= count) break;
    const Tensor t = read_npy_file(file);
    // A file holds one sample (no batch axis) or several along its first axis.
    const bool one = t.shape().size() + 1 == in.shape.size();
    const Shape s =
        one || t.shape().empty() ? t.shape() : Shape(t.shape().begin() + 1, t.shape().end());
    if (t.dtype() != in.dtype || !sample_fits(s, in.shape) || (n > 0 && s != sample)) {
      throw bad_input(file, "calibration samples of " + dtype_name(t.dtype()) + " " + shape_str(s) +
                                " (the file holds " + shape_str(t.shape()) +
                                ") do not fit the model input '" + in.name + "', " +
                                dtype_name(in.dtype) + " " + shape_str(in.shape));
    }
    sample = s;
    const int64_t have = one ? 1 : t.dim(0);
    const int64_t take = std::min<int64_t>(have, count - n);
    if (take == 0) continue;
    bytes.append(reinterpret_cast<const char*>(t.raw()), t.byte_size() / have * take);
    n += take;
    if (files_used) files_used->push_back(file);
  }
  if (n == 0) throw bad_input(source, "contains no calibration samples");
  Shape shape{n};
  shape.insert(shape.end(), sample.begin(), sample.end());
  Tensor out(in.dtype, shape);
  std::memcpy(out.raw(), bytes.data(), bytes.size());
  return out;
}

Tensor calibration_batch(const Model& model, const std::string& source, int count, int threads,
                         const Preprocessing& p, int every, std::vector<std::string>* files_used) {
  if (is_tensor_calibration_source(source))
    return calibration_tensors(source, count, model, files_used);
  const auto inputs = model_inputs(model);
  if (inputs.size() != 1 || inputs[0].shape.size() != 4) {
    const std::string first = inputs.empty() ? "none" : shape_str(inputs[0].shape);
    throw bad_input(source, "calibration images (" + shape_str(p.input_shape(-1)) +
                                ") do not fit a model of " + std::to_string(inputs.size()) +
                                " input(s), the first " + first +
                                "; give --calibration a .npy of samples");
  }
  check_preprocessing_fits(p, model);
  const auto paths = calibration_images(source, count, every);
  const auto crops = load_crops(paths, threads, p);
  if (files_used) *files_used = paths;
  return input_from_pixels(crops, static_cast<int>(paths.size()), p);
}

std::vector<std::string> calibrate_on_images(Model& model, const std::string& source, int count,
                                             int threads, const Preprocessing& p, int every) {
  if (!model.needs_calibration()) return {};
  std::vector<std::string> files;
  model.calibrate({calibration_batch(model, source, count, threads, p, every, &files)}, threads);
  return files;
}

}  // namespace aimc::models
