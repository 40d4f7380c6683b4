// aimc run: one input through the model; raw output tensor to a file, and
// optionally every layer's output (golden-test dumps).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "demos/aimc/cli_common.h"
#include "demos/aimc/commands.h"
#include "engine/error.h"
#include "models/data/image_decode.h"
#include "models/data/input_tensor.h"
#include "models/data/preprocess.h"

namespace aimc::cli {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw bad_input(path, "cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Tensor load_input(const std::string& path, const Model& model) {
  constexpr std::size_t kCropBytes = 224 * 224 * 3;
  if (ends_with(path, ".u8")) {
    const std::string bytes = read_all(path);
    if (bytes.size() != kCropBytes) {
      throw bad_input(path, "a .u8 input must hold 224x224x3 = 150528 bytes, found " +
                                std::to_string(bytes.size()));
    }
    return models::mobilenet_input_from_pixels(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 1);
  }
  if (ends_with(path, ".f32")) {
    Shape shape = model.input_shape();
    if (shape.empty()) throw bad_input(model.graph().source, "the model input has no static shape");
    if (shape[0] < 0) shape[0] = 1;
    for (int64_t d : shape) {
      if (d < 0)
        throw bad_input(model.graph().source,
                        "the model input shape is not static besides the batch");
    }
    const std::string bytes = read_all(path);
    Tensor t(DType::kFloat32, shape);
    if (bytes.size() != t.byte_size()) {
      throw bad_input(path, "a .f32 input must hold the model input " + shape_str(shape) + " = " +
                                std::to_string(t.byte_size()) + " bytes, found " +
                                std::to_string(bytes.size()));
    }
    std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(t.raw()));
    return t;
  }
  const models::RgbImage crop = models::preprocess_reference(models::decode_image_file(path));
  return models::mobilenet_input_from_pixels(crop.pixels, 1);
}

std::string tensor_bytes(const Tensor& t) {
  return std::string(reinterpret_cast<const char*>(t.raw()), t.byte_size());
}

std::string sanitize(const std::string& name) {
  std::string out;
  for (char c : name)
    out +=
        (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  return out;
}

// Writes the dumps into a staging directory renamed into place at the end,
// so a failure leaves no half-written dump directory.
void write_dumps(const std::string& dir, const Model& model,
                 const std::vector<std::pair<std::string, Tensor>>& layers) {
  namespace fs = std::filesystem;
  if (fs::exists(dir) && !(fs::is_directory(dir) && fs::is_empty(dir))) {
    throw bad_input(dir, "--dump-layers needs a new or empty directory");
  }
  const fs::path staging = dir + ".partial";
  fs::remove_all(staging);
  fs::create_directories(staging);
  nlohmann::json index = nlohmann::json::array();
  for (const auto& [name, t] : layers) {
    const std::string file = sanitize(name) + ".bin";
    std::ofstream(staging / file, std::ios::binary) << tensor_bytes(t);
    nlohmann::json entry = {
        {"name", name},
        {"file", file},
        {"shape", t.shape()},
        {"dtype", dtype_name(t.dtype())},
        {"layout", t.rank() == 4 ? (t.dtype() == DType::kInt8 ? "NHWC" : "NCHW") : "plain"}};
    auto v = model.graph().values.find(name);
    if (v != model.graph().values.end() && v->second.quant) {
      entry["scale"] = v->second.quant->scale0();
      entry["zero_point"] = v->second.quant->zero_point0();
    }
    index.push_back(entry);
  }
  std::ofstream(staging / "index.json") << nlohmann::json{{"layers", index}}.dump(2) << "\n";
  if (fs::exists(dir)) fs::remove(dir);
  fs::rename(staging, dir);
}

}  // namespace

int cmd_run(int argc, char** argv) {
  cxxopts::Options options("aimc run", "Run one input; write the raw output tensor");
  add_common_options(options);
  options.add_options()(
      "input", "image (.jpg/.png/.bmp), raw 224x224x3 .u8 crop, or raw NCHW .f32 model input",
      cxxopts::value<std::string>())("output", "raw output tensor file",
                                     cxxopts::value<std::string>())(
      "format", "int8 (quantized output before the final DequantizeLinear) or f32",
      cxxopts::value<std::string>())("dump-layers",
                                     "directory for every layer's output + index.json",
                                     cxxopts::value<std::string>());
  const auto args = parse_options(options, argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", options.help().c_str());
    return 0;
  }
  if (!args.count("input")) throw bad_input("--input", "is required");
  if (!args.count("output")) throw bad_input("--output", "is required");
  CommonSettings s = common_settings(args);
  const LoadedModel loaded = load_model(s);
  const Model& model = loaded.model;
  const std::string format = args.count("format") ? args["format"].as<std::string>()
                                                  : (model.integer_lowered() ? "int8" : "f32");
  if (format != "int8" && format != "f32")
    throw bad_input("--format", "must be int8 or f32, got '" + format + "'");
  const Tensor input = load_input(args["input"].as<std::string>(), model);
  std::vector<std::pair<std::string, Tensor>> layers;
  const bool dump = args.count("dump-layers") != 0;
  const ModelOutputs out =
      model.run({input}, RunContext{s.threads}, [&](const Node& n, std::span<const Tensor> outs) {
        if (!dump) return;
        for (std::size_t k = 0; k < outs.size(); ++k) layers.emplace_back(n.outputs[k], outs[k]);
      });
  const Tensor* result = &out.outputs.at(0);
  if (format == "int8") {
    if (out.int8_outputs.empty() || out.int8_outputs[0].empty()) {
      throw bad_input("--format",
                      "int8 needs a quantized (QDQ) model in digital mode; use --format f32");
    }
    result = &out.int8_outputs[0];
  }
  if (dump) write_dumps(args["dump-layers"].as<std::string>(), model, layers);
  write_file_atomically(args["output"].as<std::string>(), tensor_bytes(*result));
  std::printf("wrote %s %s %s\n", args["output"].as<std::string>().c_str(),
              dtype_name(result->dtype()).c_str(), shape_str(result->shape()).c_str());
  return 0;
}

}  // namespace aimc::cli
