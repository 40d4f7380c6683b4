#pragma once
// The schema of an analog configuration file: one field table for its top
// level, one for "placement" and one for "device_table" (engine/json_fields.h).
#include "engine/analog/analog_config.h"
#include "engine/json_fields.h"

namespace aimc {

// "preset" and "hardware" have no setter: analog_config_from_json applies
// them first, as the base the other keys change.
const fields::Table<AnalogConfig>& analog_config_fields();
const fields::Table<Placement>& placement_fields();
const fields::Table<noise::DeviceTable>& device_table_fields();

// The columns every device table must give.
const std::vector<std::string>& device_table_columns();

// Reads "device_table": an object, or a file name relative to ctx.base_dir.
noise::DeviceTable read_device_table(const nlohmann::json& v, const fields::Context& ctx);

}  // namespace aimc
