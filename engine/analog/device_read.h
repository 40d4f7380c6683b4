#pragma once
// One device of a differential pair, from programming to the read at t_inf,
// for the configured device model (DESIGN §4). Every number it draws comes
// from the device's own keyed streams, so the result is a pure function of
// (config, target conductance, key).
#include "engine/analog/analog_config.h"
#include "engine/analog/draw_cache.h"
#include "noise-models/counter_rng.h"

namespace aimc {

struct DeviceRead {
  double read = 0;        // conductance at t_inf (µS)
  double programmed = 0;  // right after programming: the reference of drift compensation
};

// The draws the configured device (and its faults) uses, each under its own
// purpose of the key (key.purpose is ignored); the others stay at defaults.
DeviceDraws draw_device(const AnalogConfig& c, noise::StreamKey key);

// The device from its draws: programming, drift to t_inf, read noise, faults.
DeviceRead read_device(const AnalogConfig& c, double g_target, const DeviceDraws& d);

inline DeviceRead read_device(const AnalogConfig& c, double g_target, const noise::StreamKey& key) {
  return read_device(c, g_target, draw_device(c, key));
}

}  // namespace aimc
