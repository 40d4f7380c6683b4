#pragma once
// Program-and-verify (docs/ARCHITECTURE.md, Device models): after each programming pulse a
// device is read back; while the read is further than `verify_tolerance`·g_max from its target
// it is programmed again, up to `verify_iterations` attempts in all. The read-back carries the
// device's read noise right after programming (t_inf = 0), so a device can be accepted by a
// lucky read or rejected by an unlucky one. Each attempt and each read-back draws under its own
// key (purposes reprogramming and verify read, epoch = the attempt), so the result is a pure
// function of the device's key.
#include "engine/analog/analog_config.h"
#include "noise-models/counter_rng.h"
#include "noise-models/device_model.h"

namespace aimc {

// The programming normal of the attempt the device keeps: z_first for the first pulse,
// a fresh draw for each later one. Devices without programming noise keep z_first.
double verified_programming_normal(const noise::DeviceModel& m, const AnalogConfig& c,
                                   double g_target, double z_first, const noise::StreamKey& key);

}  // namespace aimc
