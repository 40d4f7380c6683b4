#include "models/studies/layer_dump.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/error.h"

namespace aimc::models {

std::string tensor_bytes(const Tensor& t) {
  return std::string(reinterpret_cast<const char*>(t.raw()), t.byte_size());
}

std::string dump_file_name(const std::string& tensor_name) {
  std::string out;
  for (char c : tensor_name)
    out +=
        (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  return out + ".bin";
}

void write_layer_dumps(const std::string& dir, const Model& model,
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
    const std::string file = dump_file_name(name);
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

}  // namespace aimc::models
