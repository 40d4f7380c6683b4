#include "engine/presets.h"

#include <filesystem>

#include "engine/error.h"

namespace aimc::presets {
namespace {

constexpr std::string_view kSuffix = ".json";

}  // namespace

std::vector<std::string> names(const std::string& kind) {
  const std::string prefix = kind + "/";
  std::vector<std::string> out;
  for (const File& f : files()) {
    if (f.path.starts_with(prefix) && f.path.ends_with(kSuffix)) {
      const std::string_view name =
          f.path.substr(prefix.size(), f.path.size() - prefix.size() - kSuffix.size());
      if (name.find('/') == std::string_view::npos) out.emplace_back(name);
    }
  }
  return out;
}

std::string path(const std::string& kind, const std::string& name) {
  return "engine/presets/" + kind + "/" + name + std::string(kSuffix);
}

std::optional<nlohmann::json> find(const std::string& kind, const std::string& name) {
  const std::string wanted = kind + "/" + name + std::string(kSuffix);
  for (const File& f : files()) {
    if (f.path != wanted) continue;
    try {
      return nlohmann::json::parse(f.text);
    } catch (const nlohmann::json::exception& e) {
      throw bad_input(path(kind, name), std::string("not valid JSON: ") + e.what());
    }
  }
  return std::nullopt;
}

bool is_name(const std::string& spec) {
  std::error_code ec;
  return !std::filesystem::exists(spec, ec) && spec.find('/') == std::string::npos &&
         spec.find(".json") == std::string::npos;
}

}  // namespace aimc::presets
