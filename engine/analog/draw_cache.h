#pragma once
// Reuse of device draws across the configurations of a sweep. A device's
// programming, drift and fault draws depend only on its key (seed, layer,
// tile, row, column, pair side), never on the drift time, the converters or
// the compensation, so points that differ only in those can share them: most
// of the Philox and Box-Muller work of programming a layer is done once per
// (layer, seed, mapping). The read noise, drawn anew at each evaluation time,
// is not stored. Results are bit-identical with or without.
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
