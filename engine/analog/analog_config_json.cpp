#include "engine/analog/analog_config_json.h"

#include <filesystem>

#include "engine/analog/analog_config_fields.h"
#include "engine/error.h"
#include "engine/hardware/hardware.h"
#include "engine/json_file.h"
#include "engine/presets.h"

namespace aimc {
namespace {

// A configuration nests 3 levels deep (placement.analog_layers[]); copying or
// dumping nlohmann::json recurses once per level, so a file of a few tens of
// kilobytes of brackets would overflow the stack (found by fuzzing).
constexpr int kMaxNesting = 32;

const nlohmann::json& checked(const nlohmann::json& j, const std::string& key,
                              const std::string& where) {
  const nlohmann::json& v = j[key];
  fields::check(*fields::find(analog_config_fields(), key), v, where, key);
  return v;
}

// "hardware": the IMA's array size, converter bits and weight bits, from a
// hardware preset (a name) or a hardware file (relative to base_dir).
void take_hardware(AnalogConfig& c, const std::string& spec, const fields::Context& ctx) {
  Hardware h;
  if (spec.find('/') == std::string::npos && spec.find(".json") == std::string::npos) {
    h = hardware_preset(spec, ctx.where + ": key 'hardware'");
  } else {
    std::filesystem::path path = spec;
    if (path.is_relative()) path = std::filesystem::path(ctx.base_dir) / path;
    const std::string at = path.string();
    h = hardware_from_json(
        read_json_file(at, ctx.where, "key 'hardware': cannot open '" + at + "'"), at);
  }
  c.tile_rows = h.ima_rows;
  c.tile_cols = h.ima_cols;
  c.dac.bits = h.dac_bits;
  c.adc_bits = h.adc_bits;
  c.weight_bits = h.weight_bits;
}

}  // namespace

std::vector<std::string> analog_preset_names() { return presets::names("analog"); }

AnalogConfig analog_preset(const std::string& name) {
  const auto j = presets::find("analog", name);
  if (!j) {
    std::string list;
    for (const auto& n : analog_preset_names()) list += (list.empty() ? "" : ", ") + n;
    throw bad_input("--analog",
                    "unknown preset '" + name + "' (presets: " + list + "; or give a JSON file)");
  }
  return analog_config_from_json(*j, presets::path("analog", name));
}

AnalogConfig analog_config_from_json(const nlohmann::json& j, const std::string& where,
                                     const std::string& base_dir) {
  if (!j.is_object()) throw bad_input(where, "the analog configuration must be a JSON object");
  if (nested_deeper_than(j, kMaxNesting)) {
    throw bad_input(where, "the analog configuration is nested more than " +
                               std::to_string(kMaxNesting) + " levels deep");
  }
  const fields::Context ctx{where, "", base_dir};
  // The base the other keys change: a preset, then a hardware's IMA.
  AnalogConfig c = j.contains("preset")
                       ? analog_preset(checked(j, "preset", where).get<std::string>())
                       : AnalogConfig{};
  if (j.contains("hardware"))
    take_hardware(c, checked(j, "hardware", where).get<std::string>(), ctx);
  fields::read(analog_config_fields(), j, c, ctx);
  if (c.faults.p_stuck_zero + c.faults.p_stuck_gmax > 1)
    throw bad_input(where, "keys 'p_stuck_zero' + 'p_stuck_gmax' exceed 1");
  if (c.device == "custom" && c.table.g.empty())
    throw bad_input(where, "key 'device_table' is needed by device 'custom'");
  if (c.device == "rram" && c.table.g.empty()) c.table = noise::rram_default_table();
  return c;
}

AnalogConfig load_analog_config(const std::string& spec,
                                const std::vector<std::string>& overrides) {
  nlohmann::json j = nlohmann::json::object();
  std::string where = spec, base_dir = ".";
  if (presets::is_name(spec)) {
    analog_preset(spec);  // refuses unknown names
    j["preset"] = spec;
    where = "--analog " + spec;
  } else {
    j = read_json_file(spec, spec, "analog configuration file not found");
    base_dir = std::filesystem::path(spec).parent_path().string();
    if (base_dir.empty()) base_dir = ".";
  }
  for (const std::string& o : overrides) {
    const auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0) throw bad_input("--set " + o, "expected key=value");
    const std::string key = o.substr(0, eq), value = o.substr(eq + 1);
    if (!j.is_object()) break;  // analog_config_from_json refuses it below
    try {
      j[key] = nlohmann::json::parse(value);
    } catch (const nlohmann::json::exception&) {
      j[key] = value;  // a bare word: a string value
    }
  }
  return analog_config_from_json(j, overrides.empty() ? where : where + " (with --set)", base_dir);
}

nlohmann::json analog_config_to_json(const AnalogConfig& c) {
  return fields::write(analog_config_fields(), c);
}

}  // namespace aimc
