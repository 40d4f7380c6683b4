#include "models/data/preprocessing.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "engine/error.h"
#include "engine/json_file.h"

namespace aimc::models {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void refuse(const std::string& where, const std::string& key,
                         const std::string& what) {
  throw bad_input(where, "key '" + key + "' " + what);
}

// N or [H, W], each in [lo, 65536].
std::array<int, 2> read_size(const nlohmann::json& v, const std::string& where,
                             const std::string& key, int lo) {
  std::vector<nlohmann::json> parts;
  if (v.is_array()) {
    if (v.size() != 2) refuse(where, key, "must be a number or a list [height, width]");
    parts = {v[0], v[1]};
  } else {
    parts = {v, v};
  }
  std::array<int, 2> out{};
  for (std::size_t k = 0; k < 2; ++k) {
    const auto& e = parts[k];
    if (!e.is_number_integer() || e.get<int64_t>() < lo || e.get<int64_t>() > 65536)
      refuse(where, key,
             "must hold whole numbers in [" + std::to_string(lo) + ", 65536], got " + v.dump());
    out[k] = e.get<int>();
  }
  return out;
}

// One number (all channels) or three, finite, positive when `positive`.
std::array<float, 3> read_triple(const nlohmann::json& v, const std::string& where,
                                 const std::string& key, bool positive) {
  std::vector<nlohmann::json> parts;
  if (v.is_array()) {
    if (v.size() != 3) refuse(where, key, "must be a number or a list of 3 numbers");
    parts = {v[0], v[1], v[2]};
  } else {
    parts = {v, v, v};
  }
  std::array<float, 3> out{};
  for (std::size_t c = 0; c < 3; ++c) {
    const auto& e = parts[c];
    if (!e.is_number() || !std::isfinite(e.get<double>()) || (positive && e.get<double>() <= 0))
      refuse(where, key,
             std::string("must be ") + (positive ? "positive " : "") + "numbers, got " + v.dump());
    out[c] = static_cast<float>(e.get<double>());
  }
  return out;
}

std::string read_word(const nlohmann::json& v, const std::string& where, const std::string& key,
                      const std::set<std::string>& words) {
  std::string list;
  for (const auto& w : words) list += (list.empty() ? "" : ", ") + w;
  if (!v.is_string() || !words.count(v.get<std::string>()))
    refuse(where, key, "= " + v.dump() + " is not one of: " + list);
  return v.get<std::string>();
}

// The combination must make one fixed input size from any image.
void check_geometry(const Preprocessing& p, const std::string& where) {
  if (p.crop_height == 0 && p.resize != ResizePolicy::kExact)
    refuse(where, "crop", "is needed unless resize is \"exact\": image sizes vary");
  if (p.resize != ResizePolicy::kNone && p.crop_height > 0 &&
      (p.crop_height > p.resize_height ||
       (p.resize == ResizePolicy::kExact && p.crop_width > p.resize_width)))
    refuse(where, "crop", "is larger than the resized image");
}

const char* resize_word(ResizePolicy r) {
  return r == ResizePolicy::kShorterSide ? "shorter_side"
         : r == ResizePolicy::kExact     ? "exact"
                                         : "none";
}

}  // namespace

Shape Preprocessing::input_shape(int64_t batch) const {
  return layout == Layout::kNchw ? Shape{batch, 3, input_height(), input_width()}
                                 : Shape{batch, input_height(), input_width(), 3};
}

bool Preprocessing::is_keras_mobilenet() const {
  const Preprocessing k;
  return resize == k.resize && resize_height == k.resize_height && crop_height == k.crop_height &&
         crop_width == k.crop_width && scale == k.scale && mean == k.mean && stddev == k.stddev &&
         channels == k.channels && layout == k.layout && raw_uint8 == k.raw_uint8;
}

std::vector<std::string> preprocessing_preset_names() {
  return {"keras-mobilenet", "torchvision", "caffe"};
}

Preprocessing preprocessing_preset(const std::string& name) {
  Preprocessing p;  // keras-mobilenet: x = p / 127.5 - 1
  p.name = name;
  if (name == "keras-mobilenet") return p;
  if (name == "torchvision") {  // torchvision.transforms.Normalize of the ImageNet models
    p.scale = 255.0f;
    p.mean = {0.485f, 0.456f, 0.406f};
    p.stddev = {0.229f, 0.224f, 0.225f};
    return p;
  }
  if (name == "caffe") {  // Keras preprocess_input(mode="caffe"): BGR, mean in B, G, R order
    p.scale = 1.0f;
    p.mean = {103.939f, 116.779f, 123.68f};
    p.channels = ChannelOrder::kBgr;
    return p;
  }
  std::string list;
  for (const auto& n : preprocessing_preset_names()) list += (list.empty() ? "" : ", ") + n;
  throw bad_input("--preprocess",
                  "unknown preset '" + name + "' (presets: " + list + "; or give a JSON file)");
}

Preprocessing preprocessing_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw bad_input(where, "expected a JSON object of preprocessing keys");
  Preprocessing p;
  if (j.contains("preset")) {
    if (!j["preset"].is_string()) refuse(where, "preset", "must be a preset name");
    const auto names = preprocessing_preset_names();
    const std::string name = read_word(j["preset"], where, "preset", {names.begin(), names.end()});
    p = preprocessing_preset(name);
  }
  p.name = where;
  for (const auto& [key, v] : j.items()) {
    if (key == "preset") continue;
    if (key == "resize") {
      const std::string w = read_word(v, where, key, {"shorter_side", "exact", "none"});
      p.resize = w == "shorter_side" ? ResizePolicy::kShorterSide
                 : w == "exact"      ? ResizePolicy::kExact
                                     : ResizePolicy::kNone;
    } else if (key == "resize_size") {
      const auto hw = read_size(v, where, key, 1);
      p.resize_height = hw[0];
      p.resize_width = hw[1];
    } else if (key == "crop") {
      const auto hw = read_size(v, where, key, 0);
      if ((hw[0] == 0) != (hw[1] == 0)) refuse(where, key, "must be 0 in both or neither");
      p.crop_height = hw[0];
      p.crop_width = hw[1];
    } else if (key == "scale") {
      if (v.is_array()) refuse(where, key, "must be one number");
      p.scale = read_triple(v, where, key, true)[0];
    } else if (key == "mean") {
      p.mean = read_triple(v, where, key, false);
    } else if (key == "std") {
      p.stddev = read_triple(v, where, key, true);
    } else if (key == "channels") {
      p.channels = read_word(v, where, key, {"rgb", "bgr"}) == "rgb" ? ChannelOrder::kRgb
                                                                     : ChannelOrder::kBgr;
    } else if (key == "layout") {
      p.layout =
          read_word(v, where, key, {"nchw", "nhwc"}) == "nchw" ? Layout::kNchw : Layout::kNhwc;
    } else if (key == "dtype") {
      p.raw_uint8 = read_word(v, where, key, {"float32", "uint8"}) == "uint8";
    } else {
      throw bad_input(where, "unknown key '" + key +
                                 "' (keys: preset, resize, resize_size, crop, scale, mean, std, "
                                 "channels, layout, dtype)");
    }
  }
  if (j.contains("resize_size") && j["resize_size"].is_array() && p.resize != ResizePolicy::kExact)
    refuse(where, "resize_size", "takes [height, width] only with resize \"exact\"");
  if (p.raw_uint8)
    for (const char* key : {"scale", "mean", "std"})
      if (j.contains(key)) refuse(where, key, "does not apply to dtype \"uint8\" (raw pixels)");
  check_geometry(p, where);
  return p;
}

nlohmann::json preprocessing_to_json(const Preprocessing& p) {
  nlohmann::json j = {{"name", p.name},
                      {"origin", p.origin},
                      {"resize", resize_word(p.resize)},
                      {"crop", {p.crop_height, p.crop_width}},
                      {"channels", p.channels == ChannelOrder::kRgb ? "rgb" : "bgr"},
                      {"layout", p.layout == Layout::kNchw ? "nchw" : "nhwc"},
                      {"dtype", p.raw_uint8 ? "uint8" : "float32"}};
  if (p.resize == ResizePolicy::kShorterSide) j["resize_size"] = p.resize_height;
  if (p.resize == ResizePolicy::kExact) j["resize_size"] = {p.resize_height, p.resize_width};
  if (!p.raw_uint8) {
    j["scale"] = p.scale;
    j["mean"] = p.mean;
    j["std"] = p.stddev;
  }
  return j;
}

Preprocessing load_preprocessing(const std::string& spec) {
  const auto names = preprocessing_preset_names();
  if (std::find(names.begin(), names.end(), spec) != names.end()) return preprocessing_preset(spec);
  const nlohmann::json j =
      read_json_file(spec, "--preprocess",
                     "'" + spec +
                         "' is neither a preset (keras-mobilenet, torchvision, caffe) "
                         "nor an existing JSON file");
  if (nested_deeper_than(j, 4)) throw bad_input(spec, "nested too deeply");
  return preprocessing_from_json(j, spec);
}

std::string preprocessing_sidecar_path(const std::string& model_path) {
  fs::path p(model_path);
  return (p.parent_path() / (p.stem().string() + ".preprocess.json")).string();
}

Preprocessing resolve_preprocessing(const std::string& option, const std::string& model_path) {
  if (!option.empty()) {
    Preprocessing p = load_preprocessing(option);
    p.origin = "--preprocess";
    return p;
  }
  const std::string sidecar = preprocessing_sidecar_path(model_path);
  std::error_code ec;
  if (!model_path.empty() && fs::exists(sidecar, ec)) {
    Preprocessing p = load_preprocessing(sidecar);
    p.origin = "sidecar";
    return p;
  }
  return Preprocessing{};
}

void check_preprocessing_fits(const Preprocessing& p, const Model& model, std::size_t index) {
  check_preprocessing_fits(p, model.graph(), index);
}

void check_preprocessing_fits(const Preprocessing& p, const Graph& g, std::size_t index) {
  if (index >= g.inputs.size()) throw bad_input(g.source, "the model has no input to feed images");
  const std::string& input = g.inputs[index];
  const auto it = g.values.find(input);
  const Shape want = it == g.values.end() ? Shape{} : it->second.shape;
  const DType want_dtype = it == g.values.end() ? DType::kFloat32 : it->second.dtype;
  const Shape ours = p.input_shape(-1);
  bool fits = want.size() == ours.size() && want_dtype == p.dtype();
  for (std::size_t d = 1; fits && d < want.size(); ++d) fits = want[d] < 0 || want[d] == ours[d];
  if (!fits) {
    throw bad_input(g.source, "preprocessing '" + p.name + "' makes " + dtype_name(p.dtype()) +
                                  " images of " + shape_str(ours) + " but the model input '" +
                                  input + "' is " + dtype_name(want_dtype) + " " + shape_str(want) +
                                  " (choose --preprocess or a sidecar " +
                                  preprocessing_sidecar_path(g.source) + ")");
  }
}

}  // namespace aimc::models
