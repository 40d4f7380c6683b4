#include "noise-models/device_registry.h"

#include <stdexcept>
#include <string>

namespace aimc::noise {

// Each factory is defined next to its model, in the device's own file.
#define AIMC_DEVICE(name, factory) DeviceFactory factory;
#include "noise-models/devices.def"
#undef AIMC_DEVICE

std::span<const DeviceEntry> device_registry() {
  static constexpr DeviceEntry kDevices[] = {
#define AIMC_DEVICE(name, factory) {name, &factory},
#include "noise-models/devices.def"
#undef AIMC_DEVICE
  };
  return kDevices;
}

std::vector<std::string_view> device_names() {
  std::vector<std::string_view> names;
  for (const DeviceEntry& e : device_registry()) names.push_back(e.name);
  return names;
}

std::unique_ptr<const DeviceModel> make_device(std::string_view name, const DeviceParams& p) {
  for (const DeviceEntry& e : device_registry())
    if (e.name == name) return e.make(p);
  std::string known;
  for (std::string_view n : device_names()) known += (known.empty() ? "" : ", ") + std::string(n);
  throw std::invalid_argument("device: unknown device '" + std::string(name) +
                              "' (known: " + known + ")");
}

}  // namespace aimc::noise
