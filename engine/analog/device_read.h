#pragma once
// One device of a differential pair, from programming to the read at t_inf,
// for the configured device model (DESIGN §4). Every number it draws comes
// from the device's own keyed streams, so the result is a pure function of
// (config, target conductance, key).
#include "engine/analog/analog_config.h"
#include "noise-models/counter_rng.h"

namespace aimc {

struct DeviceRead {
  double read = 0;        // conductance at t_inf (µS)
  double programmed = 0;  // right after programming: the reference of drift compensation
};

// key.purpose is ignored: each effect draws under its own purpose.
DeviceRead read_device(const AnalogConfig& c, double g_target, noise::StreamKey key);

}  // namespace aimc
