#pragma once
// The analog configuration as JSON (flat keys, documented in the README) and
// the named presets. Unknown keys and out-of-range values are refused with
// BadInput naming the file and the key.
#include <nlohmann/json.hpp>
#include <string>

#include "engine/analog/analog_config.h"

namespace aimc {

// `spec` is a preset name ("ideal") or a JSON file path.
AnalogConfig load_analog_config(const std::string& spec);
AnalogConfig analog_config_from_json(const nlohmann::json& j, const std::string& where);
AnalogConfig analog_preset(const std::string& name);  // throws BadInput for unknown names
nlohmann::json analog_config_to_json(const AnalogConfig& c);

}  // namespace aimc
