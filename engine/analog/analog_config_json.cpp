#include "engine/analog/analog_config_json.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "engine/error.h"
#include "engine/json_file.h"

namespace aimc {
namespace {

constexpr double kBig = 1e30;

// A configuration nests 3 levels deep (placement.analog_layers[]); copying or
// dumping nlohmann::json recurses once per level, so a file of a few tens of
// kilobytes of brackets would overflow the stack (found by fuzzing).
constexpr int kMaxNesting = 32;

bool nested_deeper_than(const nlohmann::json& j, int levels) {
  if (!j.is_structured()) return false;
  if (levels == 0) return true;
  for (const auto& e : j) {
    if (nested_deeper_than(e, levels - 1)) return true;
  }
  return false;
}

template <typename T>
T number(const nlohmann::json& v, const std::string& where, const std::string& key, double lo,
         double hi) {
  if (!v.is_number()) throw bad_input(where, "key '" + key + "' must be a number");
  const double d = v.get<double>();
  if (!(d >= lo && d <= hi)) {
    throw bad_input(where, "key '" + key + "' = " + v.dump() + " is outside [" +
                               nlohmann::json(lo).dump() + ", " + nlohmann::json(hi).dump() + "]");
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

bool boolean(const nlohmann::json& v, const std::string& where, const std::string& key) {
  if (!v.is_boolean()) throw bad_input(where, "key '" + key + "' must be true or false");
  return v.get<bool>();
}

template <typename E>
E choice(const nlohmann::json& v, const std::string& where, const std::string& key,
         const std::vector<std::pair<std::string, E>>& options) {
  const std::string s = text(v, where, key);
  std::string list;
  for (const auto& [name, value] : options) {
    if (name == s) return value;
    list += (list.empty() ? "" : ", ") + name;
  }
  throw bad_input(where, "key '" + key + "' = '" + s + "' is not one of: " + list);
}

std::vector<std::string> names(const nlohmann::json& v, const std::string& where,
                               const std::string& key) {
  if (!v.is_array()) throw bad_input(where, "key '" + key + "' must be a list of layer names");
  std::vector<std::string> out;
  for (const auto& e : v) out.push_back(text(e, where, key + "[]"));
  return out;
}

std::vector<double> column(const nlohmann::json& t, const std::string& where,
                           const std::string& key) {
  const std::string full = "device_table." + key;
  if (!t.contains(key)) throw bad_input(where, "key '" + full + "' is missing");
  if (!t[key].is_array()) throw bad_input(where, "key '" + full + "' must be a list of numbers");
  std::vector<double> out;
  for (const auto& e : t[key]) out.push_back(number<double>(e, where, full, -kBig, kBig));
  return out;
}

noise::DeviceTable device_table(const nlohmann::json& v, const std::string& where,
                                const std::string& base_dir) {
  nlohmann::json t = v;
  std::string at = where;
  if (v.is_string()) {
    // A table in its own file, relative to the configuration's folder.
    std::filesystem::path path = v.get<std::string>();
    if (path.is_relative()) path = std::filesystem::path(base_dir) / path;
    at = path.string();
    // Named from the configuration: "" or "." resolve to its own folder.
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
      throw bad_input(where, "key 'device_table': '" + at + "' is a directory, not a file");
    t = read_json_file(at, where, "key 'device_table': cannot open '" + at + "'");
  }
  if (!t.is_object()) throw bad_input(at, "key 'device_table' must be an object or a file name");
  noise::DeviceTable d;
  for (const auto& [key, value] : t.items()) {
    if (key == "g_max")
      d.g_max = number<double>(value, at, "device_table.g_max", 1e-9, kBig);
    else if (key == "t0")
      d.t0 = number<double>(value, at, "device_table.t0", 1e-12, kBig);
    else if (key != "g" && key != "prog_sigma" && key != "nu_mean" && key != "nu_sigma" &&
             key != "read_sigma")
      throw bad_input(at, "unknown key 'device_table." + key + "'");
  }
  d.g = column(t, at, "g");
  d.prog_sigma = column(t, at, "prog_sigma");
  d.nu_mean = column(t, at, "nu_mean");
  d.nu_sigma = column(t, at, "nu_sigma");
  d.read_sigma = column(t, at, "read_sigma");
  try {
    noise::validate_table(d);
  } catch (const std::invalid_argument& e) {
    throw bad_input(at, std::string("key 'device_table.") + e.what());
  }
  return d;
}

void placement(const nlohmann::json& v, const std::string& where, Placement& p) {
  if (!v.is_object()) throw bad_input(where, "key 'placement' must be an object");
  for (const auto& [key, value] : v.items()) {
    const std::string full = "placement." + key;
    if (key == "conv")
      p.conv = boolean(value, where, full);
    else if (key == "pointwise")
      p.pointwise = boolean(value, where, full);
    else if (key == "gemm")
      p.gemm = boolean(value, where, full);
    else if (key == "depthwise_cjob")
      p.depthwise_cjob = number<int>(value, where, full, 0, 4096);
    else if (key == "analog_layers")
      p.analog_layers = names(value, where, full);
    else if (key == "digital_layers")
      p.digital_layers = names(value, where, full);
    else
      throw bad_input(where, "unknown key '" + full + "'");
  }
}

}  // namespace

std::vector<std::string> analog_preset_names() {
  return {"ideal", "ima-paper", "aihwkit-standard"};
}

AnalogConfig analog_preset(const std::string& name) {
  AnalogConfig c;
  if (name == "ideal") {
    // Ideal devices, 8-bit DAC and an ADC wide enough never to round away
    // information: equals the digital path bit for bit (DESIGN §3).
    c.adc_bits = 28;
    c.adc_range = AdcRangeMode::kMax;
    return c;
  }
  if (name == "ima-paper") {
    // The seed cluster's IMA: 256×256 PCM array, 8-bit signed DAC and ADC,
    // 4-bit weights on differential pairs, global drift compensation; the
    // ADC range is calibrated per tile, as the IMA's programmable ADC gain is.
    c.device = AnalogDevice::kPcm;
    c.weight_bits = 4;
    c.adc_range = AdcRangeMode::kCalibrated;
    c.compensation = DriftCompensation::kGlobal;
    return c;
  }
  if (name == "aihwkit-standard") {
    // aihwkit's usual inference setting: tiles of 512 inputs, 8-bit DAC and
    // ADC, output bound 10 and output noise 0.04 in normalized units, the PCM
    // model and global drift compensation.
    c.tile_rows = 512;
    c.tile_cols = 512;
    c.device = AnalogDevice::kPcm;
    c.adc_range = AdcRangeMode::kBound;
    c.adc_bound = 10;
    c.out_noise = 0.04;
    c.compensation = DriftCompensation::kGlobal;
    return c;
  }
  std::string list;
  for (const auto& n : analog_preset_names()) list += (list.empty() ? "" : ", ") + n;
  throw bad_input("--analog",
                  "unknown preset '" + name + "' (presets: " + list + "; or give a JSON file)");
}

AnalogConfig analog_config_from_json(const nlohmann::json& j, const std::string& where,
                                     const std::string& base_dir) {
  if (!j.is_object()) throw bad_input(where, "the analog configuration must be a JSON object");
  if (nested_deeper_than(j, kMaxNesting)) {
    throw bad_input(where, "the analog configuration is nested more than " +
                               std::to_string(kMaxNesting) + " levels deep");
  }
  AnalogConfig c =
      j.contains("preset") ? analog_preset(text(j["preset"], where, "preset")) : AnalogConfig{};
  for (const auto& [key, v] : j.items()) {
    if (key == "preset") continue;
    if (key == "placement")
      placement(v, where, c.placement);
    else if (key == "tile_rows")
      c.tile_rows = number<int>(v, where, key, 1, 65536);
    else if (key == "tile_cols")
      c.tile_cols = number<int>(v, where, key, 1, 65536);
    else if (key == "dac_bits")
      c.dac.bits = number<int>(v, where, key, 1, 16);
    else if (key == "dac_signed")
      c.dac.is_signed = boolean(v, where, key);
    else if (key == "adc_signed")
      c.adc_signed = boolean(v, where, key);
    else if (key == "dac_full_scale")
      c.dac.full_scale = number<int32_t>(v, where, key, 1, 1 << 20);
    else if (key == "adc_bits") {
      // "ideal": an ADC fine enough never to round away an integer sum.
      c.adc_bits =
          v.is_string() && v.get<std::string>() == "ideal" ? 28 : number<int>(v, where, key, 2, 16);
    } else if (key == "adc_range") {
      if (v.is_string()) {
        c.adc_range = choice<AdcRangeMode>(v, where, key,
                                           {{"max", AdcRangeMode::kMax},
                                            {"calibrated", AdcRangeMode::kCalibrated},
                                            {"bound", AdcRangeMode::kBound}});
      } else {
        c.adc_range = AdcRangeMode::kFixed;
        c.adc_fixed_range = number<double>(v, where, key, 1e-12, kBig);
      }
    } else if (key == "adc_bound")
      c.adc_bound = number<double>(v, where, key, 1e-12, kBig);
    else if (key == "adc_percentile")
      c.adc_percentile = number<double>(v, where, key, 1e-9, 100);
    else if (key == "calibration_images")
      c.calibration_images = number<int>(v, where, key, 1, 100000);
    else if (key == "adc_calibrated_at")
      c.adc_calibrated_at =
          choice<AdcCalibrationTime>(v, where, key,
                                     {{"t_inf", AdcCalibrationTime::kAtTInf},
                                      {"programming", AdcCalibrationTime::kAtProgramming}});
    else if (key == "weight_bits")
      c.weight_bits = number<int>(v, where, key, 2, 16);
    else if (key == "weight_scaling")
      c.weight_scaling = choice<WeightScaling>(
          v, where, key, {{"column", WeightScaling::kColumn}, {"tile", WeightScaling::kTile}});
    else if (key == "slice_bits")
      c.slice_bits = number<int>(v, where, key, 0, 8);
    else if (key == "device") {
      c.device = choice<AnalogDevice>(v, where, key,
                                      {{"ideal", AnalogDevice::kIdeal},
                                       {"pcm", AnalogDevice::kPcm},
                                       {"gaussian", AnalogDevice::kGaussian},
                                       {"rram", AnalogDevice::kRram},
                                       {"custom", AnalogDevice::kCustom}});
      if (c.device == AnalogDevice::kRram && !j.contains("device_table"))
        c.table = noise::rram_default_table();
    } else if (key == "device_table")
      c.table = device_table(v, where, base_dir);
    else if (key == "g_max") {
      c.pcm.g_max = c.gaussian.g_max = number<double>(v, where, key, 1e-6, kBig);
    } else if (key == "t0")
      c.pcm.t0 = number<double>(v, where, key, 1e-9, kBig);
    else if (key == "t_read")
      c.pcm.t_read = number<double>(v, where, key, 1e-15, kBig);
    else if (key == "prog_noise_scale")
      c.pcm.prog_noise_scale = number<double>(v, where, key, 0, kBig);
    else if (key == "drift_scale")
      c.pcm.drift_scale = number<double>(v, where, key, 0, kBig);
    else if (key == "read_noise_scale")
      c.pcm.read_noise_scale = number<double>(v, where, key, 0, kBig);
    else if (key == "prog_sigma")
      c.gaussian.prog_sigma = number<double>(v, where, key, 0, kBig);
    else if (key == "read_sigma")
      c.gaussian.read_sigma = number<double>(v, where, key, 0, kBig);
    else if (key == "sigma_mode")
      c.gaussian.relative = choice<bool>(v, where, key, {{"absolute", false}, {"relative", true}});
    else if (key == "p_stuck_zero")
      c.faults.p_stuck_zero = number<double>(v, where, key, 0, 1);
    else if (key == "p_stuck_gmax")
      c.faults.p_stuck_gmax = number<double>(v, where, key, 0, 1);
    else if (key == "t_inf")
      c.t_inf = number<double>(v, where, key, 0, kBig);
    else if (key == "drift_compensation")
      c.compensation = choice<DriftCompensation>(v, where, key,
                                                 {{"none", DriftCompensation::kNone},
                                                  {"global", DriftCompensation::kGlobal},
                                                  {"column", DriftCompensation::kColumn}});
    else if (key == "out_noise")
      c.out_noise = number<double>(v, where, key, 0, kBig);
    else if (key == "seed")
      c.seed = number<uint64_t>(v, where, key, 0, 9.0e15);
    else
      throw bad_input(where, "unknown key '" + key + "'");
  }
  if (c.faults.p_stuck_zero + c.faults.p_stuck_gmax > 1)
    throw bad_input(where, "keys 'p_stuck_zero' + 'p_stuck_gmax' exceed 1");
  if (c.device == AnalogDevice::kCustom && c.table.g.empty())
    throw bad_input(where, "key 'device_table' is needed by device 'custom'");
  if (c.device == AnalogDevice::kRram && c.table.g.empty()) c.table = noise::rram_default_table();
  return c;
}

AnalogConfig load_analog_config(const std::string& spec,
                                const std::vector<std::string>& overrides) {
  nlohmann::json j = nlohmann::json::object();
  std::string where = spec, base_dir = ".";
  std::error_code ec;
  const bool is_preset = !std::filesystem::exists(spec, ec) &&
                         spec.find('/') == std::string::npos &&
                         spec.find(".json") == std::string::npos;
  if (is_preset) {
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
  auto device = [&] {
    switch (c.device) {
      case AnalogDevice::kPcm:
        return "pcm";
      case AnalogDevice::kGaussian:
        return "gaussian";
      case AnalogDevice::kRram:
        return "rram";
      case AnalogDevice::kCustom:
        return "custom";
      case AnalogDevice::kIdeal:
        break;
    }
    return "ideal";
  };
  const char* compensation[] = {"none", "global", "column"};
  nlohmann::json j = {
      {"placement",
       {{"conv", c.placement.conv},
        {"pointwise", c.placement.pointwise},
        {"gemm", c.placement.gemm},
        {"depthwise_cjob", c.placement.depthwise_cjob},
        {"analog_layers", c.placement.analog_layers},
        {"digital_layers", c.placement.digital_layers}}},
      {"tile_rows", c.tile_rows},
      {"tile_cols", c.tile_cols},
      {"dac_bits", c.dac.bits},
      {"dac_full_scale", c.dac.full_scale},
      {"dac_signed", c.dac.is_signed},
      {"adc_signed", c.adc_signed},
      {"weight_bits", c.weight_bits},
      {"weight_scaling", c.weight_scaling == WeightScaling::kTile ? "tile" : "column"},
      {"slice_bits", c.slice_bits},
      {"device", device()},
      {"g_max", c.g_max()},
      {"t0", c.pcm.t0},
      {"t_read", c.pcm.t_read},
      {"prog_noise_scale", c.pcm.prog_noise_scale},
      {"drift_scale", c.pcm.drift_scale},
      {"read_noise_scale", c.pcm.read_noise_scale},
      {"prog_sigma", c.gaussian.prog_sigma},
      {"read_sigma", c.gaussian.read_sigma},
      {"sigma_mode", c.gaussian.relative ? "relative" : "absolute"},
      {"p_stuck_zero", c.faults.p_stuck_zero},
      {"p_stuck_gmax", c.faults.p_stuck_gmax},
      {"t_inf", c.t_inf},
      {"drift_compensation", compensation[static_cast<int>(c.compensation)]},
      {"out_noise", c.out_noise},
      {"seed", c.seed}};
  if (c.adc_bits > 16)
    j["adc_bits"] = "ideal";
  else
    j["adc_bits"] = c.adc_bits;
  switch (c.adc_range) {
    case AdcRangeMode::kMax:
      j["adc_range"] = "max";
      break;
    case AdcRangeMode::kFixed:
      j["adc_range"] = c.adc_fixed_range;
      break;
    case AdcRangeMode::kCalibrated:
      j["adc_range"] = "calibrated";
      j["adc_percentile"] = c.adc_percentile;
      j["calibration_images"] = c.calibration_images;
      j["adc_calibrated_at"] =
          c.adc_calibrated_at == AdcCalibrationTime::kAtTInf ? "t_inf" : "programming";
      break;
    case AdcRangeMode::kBound:
      j["adc_range"] = "bound";
      j["adc_bound"] = c.adc_bound;
      break;
  }
  if (c.device == AnalogDevice::kRram || c.device == AnalogDevice::kCustom) {
    j["device_table"] = {{"g_max", c.table.g_max},
                         {"t0", c.table.t0},
                         {"g", c.table.g},
                         {"prog_sigma", c.table.prog_sigma},
                         {"nu_mean", c.table.nu_mean},
                         {"nu_sigma", c.table.nu_sigma},
                         {"read_sigma", c.table.read_sigma}};
  }
  return j;
}

}  // namespace aimc
