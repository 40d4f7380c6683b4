#include "engine/analog/analog_config_json.h"

#include <filesystem>
#include <fstream>

#include "engine/error.h"

namespace aimc {
namespace {

template <typename T>
T number(const nlohmann::json& v, const std::string& where, const std::string& key, double lo,
         double hi) {
  if (!v.is_number()) throw bad_input(where, "key '" + key + "' must be a number");
  const double d = v.get<double>();
  if (!(d >= lo && d <= hi)) {
    throw bad_input(where, "key '" + key + "' = " + v.dump() + " is outside [" +
                               std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  if constexpr (std::is_integral_v<T>) {
    if (d != static_cast<double>(static_cast<int64_t>(d))) {
      throw bad_input(where, "key '" + key + "' must be an integer");
    }
  }
  return static_cast<T>(d);
}

std::string text(const nlohmann::json& v, const std::string& where, const std::string& key) {
  if (!v.is_string()) throw bad_input(where, "key '" + key + "' must be a string");
  return v.get<std::string>();
}

}  // namespace

AnalogConfig analog_preset(const std::string& name) {
  AnalogConfig c;
  if (name == "ideal") {
    // Ideal devices, 8-bit DAC and an ADC wide enough never to round away
    // information: equals the digital path bit for bit (DESIGN §3).
    c.adc_bits = 28;
    c.adc_range = AdcRangeMode::kMax;
    return c;
  }
  throw bad_input("--analog",
                  "unknown preset '" + name + "' (presets: ideal; or give a JSON file)");
}

AnalogConfig analog_config_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw bad_input(where, "the analog configuration must be a JSON object");
  AnalogConfig c =
      j.contains("preset") ? analog_preset(text(j["preset"], where, "preset")) : AnalogConfig{};
  constexpr double kBig = 1e30;
  for (const auto& [key, v] : j.items()) {
    if (key == "preset") continue;
    if (key == "tile_rows")
      c.tile_rows = number<int>(v, where, key, 1, 65536);
    else if (key == "tile_cols")
      c.tile_cols = number<int>(v, where, key, 1, 65536);
    else if (key == "dac_bits")
      c.dac.bits = number<int>(v, where, key, 1, 16);
    else if (key == "dac_full_scale")
      c.dac.full_scale = number<int32_t>(v, where, key, 1, 1 << 20);
    else if (key == "adc_bits")
      c.adc_bits = number<int>(v, where, key, 2, 31);
    else if (key == "adc_range") {
      if (v.is_string() && v.get<std::string>() == "max") {
        c.adc_range = AdcRangeMode::kMax;
      } else {
        c.adc_range = AdcRangeMode::kFixed;
        c.adc_fixed_range = number<double>(v, where, key, 1e-12, kBig);
      }
    } else if (key == "weight_bits")
      c.weight_bits = number<int>(v, where, key, 2, 8);
    else if (key == "device") {
      const std::string d = text(v, where, key);
      if (d == "ideal")
        c.device = AnalogDevice::kIdeal;
      else if (d == "pcm")
        c.device = AnalogDevice::kPcm;
      else
        throw bad_input(where, "key 'device' = '" + d + "' is not a known device (ideal, pcm)");
    } else if (key == "g_max")
      c.pcm.g_max = number<double>(v, where, key, 1e-6, kBig);
    else if (key == "t0")
      c.pcm.t0 = number<double>(v, where, key, 1e-9, kBig);
    else if (key == "t_read")
      c.pcm.t_read = number<double>(v, where, key, 1e-15, kBig);
    else if (key == "prog_noise_scale")
      c.pcm.prog_noise_scale = number<double>(v, where, key, 0, kBig);
    else if (key == "drift_scale")
      c.pcm.drift_scale = number<double>(v, where, key, 0, kBig);
    else if (key == "read_noise_scale")
      c.pcm.read_noise_scale = number<double>(v, where, key, 0, kBig);
    else if (key == "t_inf")
      c.t_inf = number<double>(v, where, key, 0, kBig);
    else if (key == "drift_compensation") {
      const std::string d = text(v, where, key);
      if (d != "none" && d != "global") {
        throw bad_input(where, "key 'drift_compensation' = '" + d + "' (expected none or global)");
      }
      c.global_drift_compensation = d == "global";
    } else if (key == "out_noise")
      c.out_noise = number<double>(v, where, key, 0, kBig);
    else if (key == "seed")
      c.seed = number<uint64_t>(v, where, key, 0, 9.0e15);
    else
      throw bad_input(where, "unknown key '" + key + "'");
  }
  return c;
}

AnalogConfig load_analog_config(const std::string& spec) {
  std::error_code ec;
  if (!std::filesystem::exists(spec, ec)) {
    if (spec.find('/') == std::string::npos && spec.find(".json") == std::string::npos)
      return analog_preset(spec);
    throw bad_input(spec, "analog configuration file not found");
  }
  std::ifstream in(spec);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw bad_input(spec, std::string("not valid JSON: ") + e.what());
  }
  return analog_config_from_json(j, spec);
}

nlohmann::json analog_config_to_json(const AnalogConfig& c) {
  nlohmann::json j = {{"tile_rows", c.tile_rows},
                      {"tile_cols", c.tile_cols},
                      {"dac_bits", c.dac.bits},
                      {"dac_full_scale", c.dac.full_scale},
                      {"adc_bits", c.adc_bits},
                      {"weight_bits", c.weight_bits},
                      {"device", c.device == AnalogDevice::kPcm ? "pcm" : "ideal"},
                      {"g_max", c.pcm.g_max},
                      {"t0", c.pcm.t0},
                      {"t_read", c.pcm.t_read},
                      {"prog_noise_scale", c.pcm.prog_noise_scale},
                      {"drift_scale", c.pcm.drift_scale},
                      {"read_noise_scale", c.pcm.read_noise_scale},
                      {"t_inf", c.t_inf},
                      {"drift_compensation", c.global_drift_compensation ? "global" : "none"},
                      {"out_noise", c.out_noise},
                      {"seed", c.seed}};
  if (c.adc_range == AdcRangeMode::kMax) {
    j["adc_range"] = "max";
  } else {
    j["adc_range"] = c.adc_fixed_range;
  }
  return j;
}

}  // namespace aimc
