#include "engine/json_fields.h"

#include <algorithm>
#include <cstdint>

namespace aimc::fields {
namespace {

std::string listed(const std::vector<std::string>& words) {
  std::string list;
  for (const std::string& w : words) list += (list.empty() ? "" : ", ") + w;
  return list;
}

bool is_word(const Spec& f, const nlohmann::json& v) {
  return v.is_string() &&
         std::find(f.words.begin(), f.words.end(), v.get<std::string>()) != f.words.end();
}

void check_number(const Spec& f, const nlohmann::json& v, const std::string& where,
                  const std::string& key) {
  if (!f.words.empty() && v.is_string()) {
    if (is_word(f, v)) return;
    throw bad_input(where, "key '" + key + "' = '" + v.get<std::string>() +
                               "' is neither a number nor one of: " + listed(f.words));
  }
  if (!v.is_number()) throw bad_input(where, "key '" + key + "' must be a number");
  const double d = v.get<double>();
  if (!(d >= f.lo && d <= f.hi)) {
    throw bad_input(where, "key '" + key + "' = " + v.dump() + " is outside [" +
                               nlohmann::json(f.lo).dump() + ", " + nlohmann::json(f.hi).dump() +
                               "]");
  }
  if (f.type == Type::kInt && d != static_cast<double>(static_cast<int64_t>(d)))
    throw bad_input(where, "key '" + key + "' must be an integer");
}

}  // namespace

void check(const Spec& f, const nlohmann::json& v, const std::string& where,
           const std::string& key) {
  switch (f.type) {
    case Type::kBool:
      if (!v.is_boolean()) throw bad_input(where, "key '" + key + "' must be true or false");
      return;
    case Type::kInt:
    case Type::kNumber:
      check_number(f, v, where, key);
      return;
    case Type::kChoice:
      if (!v.is_string()) throw bad_input(where, "key '" + key + "' must be a string");
      if (!is_word(f, v)) {
        throw bad_input(where, "key '" + key + "' = '" + v.get<std::string>() +
                                   "' is not one of: " + listed(f.words));
      }
      return;
    case Type::kString:
      if (!v.is_string()) throw bad_input(where, "key '" + key + "' must be a string");
      return;
    case Type::kNames:
      if (!v.is_array()) throw bad_input(where, "key '" + key + "' must be a list of layer names");
      for (const auto& e : v)
        if (!e.is_string()) throw bad_input(where, "key '" + key + "[]' must be a string");
      return;
    case Type::kNumbers:
      if (!v.is_array()) throw bad_input(where, "key '" + key + "' must be a list of numbers");
      for (const auto& e : v) check_number(f, e, where, key);
      return;
    case Type::kObject:
      return;  // the setter checks it
  }
}

nlohmann::json describe(const Spec& f) {
  static constexpr const char* kTypes[] = {"bool",   "integer", "number",  "choice",
                                           "string", "names",   "numbers", "object"};
  nlohmann::json j = {{"type", kTypes[static_cast<int>(f.type)]}};
  if (f.type == Type::kInt || f.type == Type::kNumber || f.type == Type::kNumbers)
    j["range"] = {f.lo, f.hi};
  if (!f.words.empty()) j["choices"] = f.words;
  if (!f.unit.empty()) j["unit"] = f.unit;
  j["source"] = f.source;
  return j;
}

void unknown_key(const std::string& where, const std::string& key) {
  throw bad_input(where, "unknown key '" + key + "'");
}

}  // namespace aimc::fields
