#pragma once
// The device models by name: a configuration names its device, and the
// registry makes it from the configuration's parameters. The table is a
// constant; a new device is one file defining its model and factory, plus
// one line in noise-models/devices.def.
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "noise-models/device_model.h"
#include "noise-models/gaussian.h"
#include "noise-models/pcm.h"
#include "noise-models/table_device.h"

namespace aimc::noise {

// Every device parameter a configuration can give; each model reads its own.
struct DeviceParams {
  PcmParams pcm;
  GaussianParams gaussian;
  DeviceTable table;  // rram / custom
};

using DeviceFactory = std::unique_ptr<const DeviceModel>(const DeviceParams&);

struct DeviceEntry {
  std::string_view name;
  DeviceFactory* make;
};

// All registered devices, in a fixed order.
std::span<const DeviceEntry> device_registry();
// Their names, in the same order (for a parser's validation and messages).
std::vector<std::string_view> device_names();
// The model named `name`. Throws std::invalid_argument
// ("device: unknown device 'x' (known: ideal, pcm, ...)") for other names.
std::unique_ptr<const DeviceModel> make_device(std::string_view name, const DeviceParams& p);

}  // namespace aimc::noise
