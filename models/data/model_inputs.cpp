#include "models/data/model_inputs.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>

#include "engine/error.h"
#include "models/data/dataset.h"
#include "models/data/file_bytes.h"
#include "models/data/image_decode.h"
#include "models/data/input_tensor.h"
#include "models/data/npy.h"
#include "models/data/preprocess.h"

namespace aimc::models {
namespace {

std::string typed_shape(DType t, const Shape& s) { return dtype_name(t) + " " + shape_str(s); }

// The batch (dimension 0) is free where the model leaves it unknown.
bool fits(const Tensor& t, const ModelInput& in) {
  if (t.dtype() != in.dtype || t.shape().size() != in.shape.size()) return false;
  for (std::size_t d = 0; d < in.shape.size(); ++d)
    if (in.shape[d] >= 0 && in.shape[d] != t.shape()[d]) return false;
  return true;
}

void refuse_unfit(const Tensor& t, const ModelInput& in, const std::string& path,
                  const std::string& how) {
  throw bad_input(path, "input '" + in.name + "': the file gives " +
                            typed_shape(t.dtype(), t.shape()) + how + " but the model input is " +
                            typed_shape(in.dtype, in.shape));
}

// The input's shape with batch 1; refused unless static besides the batch.
Shape static_shape(const ModelInput& in, const std::string& path) {
  Shape s = in.shape;
  if (!s.empty() && s[0] < 0) s[0] = 1;
  for (int64_t d : s)
    if (d < 0)
      throw bad_input(path, "input '" + in.name + "' has no static shape besides the batch (" +
                                shape_str(in.shape) + "); give a .npy file");
  return s;
}

Tensor read_f32(const std::string& path, const ModelInput& in) {
  const Shape shape = static_shape(in, path);
  if (in.dtype != DType::kFloat32)
    throw bad_input(path, "input '" + in.name + "' is " + typed_shape(in.dtype, in.shape) +
                              ", not float32: give a .npy file of that dtype");
  const std::string bytes = read_file_bytes(path);
  Tensor t(DType::kFloat32, shape);
  if (bytes.size() != t.byte_size()) {
    throw bad_input(path, "input '" + in.name + "': a .f32 input must hold " + shape_str(shape) +
                              " = " + std::to_string(t.byte_size()) + " bytes, found " +
                              std::to_string(bytes.size()));
  }
  std::memcpy(t.raw(), bytes.data(), bytes.size());
  return t;
}

Tensor read_u8(const std::string& path, const Preprocessing& p) {
  const std::string bytes = read_file_bytes(path);
  const std::size_t want = std::size_t(p.input_height()) * p.input_width() * 3;
  if (bytes.size() != want) {
    throw bad_input(path, "a .u8 input must hold " + std::to_string(p.input_height()) + "x" +
                              std::to_string(p.input_width()) + "x3 = " + std::to_string(want) +
                              " bytes (preprocessing '" + p.name + "'), found " +
                              std::to_string(bytes.size()));
  }
  return input_from_pixels(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 1, p);
}

}  // namespace

std::vector<ModelInput> model_inputs(const Model& model) {
  const Graph& g = model.graph();
  std::vector<ModelInput> out;
  for (const std::string& name : g.inputs) {
    const auto it = g.values.find(name);
    out.push_back(it == g.values.end() ? ModelInput{name, DType::kFloat32, {}}
                                       : ModelInput{name, it->second.dtype, it->second.shape});
  }
  return out;
}

Tensor load_input_file(const std::string& path, const ModelInput& input, const Preprocessing& p) {
  Tensor t;
  std::string how;
  if (is_npy_path(path)) {
    t = read_npy_file(path);
  } else if (path.ends_with(".f32")) {
    t = read_f32(path, input);
  } else if (path.ends_with(".u8") || is_image_file(path)) {
    t = path.ends_with(".u8")
            ? read_u8(path, p)
            : input_from_pixels(preprocess_image(decode_image_file(path), p).pixels, 1, p);
    how = " (preprocessing '" + p.name + "')";
  } else {
    throw bad_input(path, "input '" + input.name +
                              "': unknown file type (expected an image, .u8, .f32 or .npy)");
  }
  if (!fits(t, input)) refuse_unfit(t, input, path, how);
  return t;
}

std::vector<Tensor> load_model_inputs(const std::vector<std::string>& args, const Model& model,
                                      const Preprocessing& p) {
  const std::vector<ModelInput> inputs = model_inputs(model);
  std::string names;
  for (const auto& in : inputs) names += (names.empty() ? "" : ", ") + in.name;
  std::map<std::string, std::string> files;  // input name -> file
  for (const std::string& arg : args) {
    const auto eq = arg.find('=');
    const std::string name = eq == std::string::npos ? "" : arg.substr(0, eq);
    const bool named = std::any_of(inputs.begin(), inputs.end(),
                                   [&](const ModelInput& in) { return in.name == name; });
    std::error_code ec;
    if (!named && (eq == std::string::npos || std::filesystem::exists(arg, ec))) {
      if (inputs.size() != 1 || args.size() != 1)
        throw bad_input("--input", "'" + arg + "' names no input; the model has " +
                                       std::to_string(inputs.size()) +
                                       " inputs, give each as NAME=FILE (inputs: " + names + ")");
      files[inputs[0].name] = arg;
    } else if (!named) {
      throw bad_input("--input",
                      "the model has no input named '" + name + "' (inputs: " + names + ")");
    } else if (!files.emplace(name, arg.substr(eq + 1)).second) {
      throw bad_input("--input", "input '" + name + "' is given twice");
    }
  }
  std::vector<Tensor> tensors;
  int64_t batch = -1;
  std::string batch_from;
  for (const ModelInput& in : inputs) {
    const auto it = files.find(in.name);
    if (it == files.end())
      throw bad_input("--input",
                      "no file for model input '" + in.name + "' (inputs: " + names + ")");
    tensors.push_back(load_input_file(it->second, in, p));
    const Tensor& t = tensors.back();
    if (t.rank() == 0 || (!in.shape.empty() && in.shape[0] >= 0)) continue;
    if (batch >= 0 && t.dim(0) != batch)
      throw bad_input(it->second, "input '" + in.name + "' has batch " + std::to_string(t.dim(0)) +
                                      " but " + batch_from + " has batch " + std::to_string(batch));
    batch = t.dim(0);
    batch_from = it->second;
  }
  return tensors;
}

}  // namespace aimc::models
