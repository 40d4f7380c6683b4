#pragma once
// How images become a model's input: what each network was trained with.
// A description (resize, crop, normalisation, channel order, layout, dtype)
// with named presets and a JSON form of the same keys:
//   preset       start from a preset, then apply the other keys
//   resize       "shorter_side" (Pillow bilinear, long side truncated),
//                "exact" (to resize_size H×W) or "none"
//   resize_size  N, or [H, W] for "exact"
//   crop         center crop N or [H, W]; 0 for none ("exact" only)
//   scale, mean, std   x = (p / scale - mean[c]) / std[c] in float32; mean
//                and std are one number or three, in the tensor's order
//   channels     "rgb" or "bgr";  layout  "nchw" or "nhwc"
//   dtype        "float32", or "uint8": raw pixels, no normalisation
#include <array>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/model.h"
#include "engine/tensor.h"

namespace aimc::models {

enum class ResizePolicy { kShorterSide, kExact, kNone };
enum class ChannelOrder { kRgb, kBgr };
enum class Layout { kNchw, kNhwc };

struct Preprocessing {
  std::string name = "keras-mobilenet";  // a preset's name, or the file it came from
  std::string origin = "default";        // "default", "--preprocess" or "sidecar"
  ResizePolicy resize = ResizePolicy::kShorterSide;
  int resize_height = 256;  // the shorter side's length for kShorterSide
  int resize_width = 256;
  int crop_height = 224;  // 0: no crop
  int crop_width = 224;
  float scale = 127.5f;
  std::array<float, 3> mean{1.0f, 1.0f, 1.0f};
  std::array<float, 3> stddev{1.0f, 1.0f, 1.0f};
  ChannelOrder channels = ChannelOrder::kRgb;
  Layout layout = Layout::kNchw;
  bool raw_uint8 = false;

  int input_height() const { return crop_height > 0 ? crop_height : resize_height; }
  int input_width() const { return crop_width > 0 ? crop_width : resize_width; }
  // [batch, 3, H, W] or [batch, H, W, 3].
  Shape input_shape(int64_t batch) const;
  DType dtype() const { return raw_uint8 ? DType::kUInt8 : DType::kFloat32; }
  // True when it makes the same bytes as keras-mobilenet (whatever its name).
  bool is_keras_mobilenet() const;
};

// "keras-mobilenet" (the default: MobileNetV2's Keras preprocessing),
// "torchvision" and "caffe".
std::vector<std::string> preprocessing_preset_names();
Preprocessing preprocessing_preset(const std::string& name);

// Refuses unknown keys and bad values, naming `where` (the file) and the key.
Preprocessing preprocessing_from_json(const nlohmann::json& j, const std::string& where);
nlohmann::json preprocessing_to_json(const Preprocessing& p);

// A preset name or a JSON file.
Preprocessing load_preprocessing(const std::string& spec);

// <model>.preprocess.json beside the model (model.onnx -> model.preprocess.json).
std::string preprocessing_sidecar_path(const std::string& model_path);

// --preprocess when given (`option` not empty), else the model's sidecar
// when it exists, else keras-mobilenet.
Preprocessing resolve_preprocessing(const std::string& option, const std::string& model_path);

// Refuses, naming both shapes, images that do not fit input `index` of `model`.
void check_preprocessing_fits(const Preprocessing& p, const Model& model, std::size_t index = 0);
// The same against an imported graph (studies check before building models).
void check_preprocessing_fits(const Preprocessing& p, const Graph& graph, std::size_t index = 0);

}  // namespace aimc::models
