#pragma once
// The analog configuration as JSON (keys documented in the README) and the
// named presets. Unknown keys, wrong types and out-of-range values are
// refused with BadInput naming the file and the key.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/analog/analog_config.h"

namespace aimc {

// `spec` is a preset name (ideal, ima-paper, aihwkit-standard) or a JSON file.
// `overrides` are "key=value" settings applied on top (value parsed as JSON,
// else taken as a string), e.g. "t_inf=86400".
AnalogConfig load_analog_config(const std::string& spec,
                                const std::vector<std::string>& overrides = {});
// `base_dir` resolves a relative "device_table" file path.
AnalogConfig analog_config_from_json(const nlohmann::json& j, const std::string& where,
                                     const std::string& base_dir = ".");
AnalogConfig analog_preset(const std::string& name);  // throws BadInput for unknown names
std::vector<std::string> analog_preset_names();
nlohmann::json analog_config_to_json(const AnalogConfig& c);

}  // namespace aimc
