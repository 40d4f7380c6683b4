#pragma once
// Reuse of device draws across the configurations of a sweep. A device's
// random numbers depend only on its key (seed, layer, tile, row, column,
// pair side), never on the drift time, the converters or the compensation,
// so points that differ only in those can share them: the Philox and
// Box-Muller work, most of the time it takes to program a layer, is done
// once per (layer, seed, mapping). Results are bit-identical with or without.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "noise-models/device_model.h"

namespace aimc {

// The standard normals and the uniform one device may need.
using DeviceDraws = noise::DeviceDraws;

class DrawCache {
 public:
  using Draws = std::vector<DeviceDraws>;
  // The draws stored under `key`, made by `fill` on first use.
  std::shared_ptr<const Draws> get(const std::string& key, const std::function<Draws()>& fill);
  void clear();
  std::size_t entries() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const Draws>> entries_;
};

}  // namespace aimc
