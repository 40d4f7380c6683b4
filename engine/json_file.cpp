#include "engine/json_file.h"

#include <filesystem>
#include <fstream>
#include <ios>

#include "engine/error.h"

namespace aimc {

nlohmann::json read_json_file(const std::string& path, const std::string& where,
                              const std::string& missing) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw bad_input(path, "is a directory, not a JSON file");
  std::ifstream in(path);
  if (!in) throw bad_input(where, missing);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw bad_input(path, std::string("not valid JSON: ") + e.what());
  } catch (const std::ios_base::failure& e) {
    throw bad_input(path, std::string("cannot be read: ") + e.what());
  }
}

bool nested_deeper_than(const nlohmann::json& j, int levels) {
  if (!j.is_structured()) return false;
  if (levels == 0) return true;
  for (const auto& e : j) {
    if (nested_deeper_than(e, levels - 1)) return true;
  }
  return false;
}

}  // namespace aimc
