#pragma once
// The configured device model (noise-models/device_registry.h), resolved
// once per matrix, and stuck-at faults on top of it. Every number a device
// draws comes from its own keyed streams, so a device's conductances are a
// pure function of (config, target conductance, key).
#include <memory>
#include <span>
#include <string_view>

#include "engine/analog/analog_config.h"
#include "noise-models/device_model.h"
#include "noise-models/device_registry.h"

namespace aimc {

using DeviceRead = noise::Conductance;

// The model the configuration selects, made from its parameters.
std::unique_ptr<const noise::DeviceModel> device_model(const AnalogConfig& c);
bool has_faults(const AnalogConfig& c);

// A block of devices of model m from programming to the read at t_inf, then
// their stuck-at faults: out[i] for g_target[i] and draws[i].
void read_devices(const noise::DeviceModel& m, const AnalogConfig& c,
                  std::span<const double> g_target, std::span<const DeviceDraws> draws,
                  std::span<DeviceRead> out);

}  // namespace aimc
