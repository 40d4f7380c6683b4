#pragma once
// A noise-sensitivity sweep's grid (`aimc sweep`): a base analog
// configuration, lists of values for any configuration keys, and a number
// of seeds. Points are the Cartesian product of the lists (keys in sorted
// order), each run for seeds 1..seeds.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/analog/analog_config.h"

namespace aimc::models {

struct SweepGrid {
  nlohmann::json base = nlohmann::json::object();  // analog configuration (may name a preset)
  std::vector<std::string> keys;
  std::vector<std::vector<nlohmann::json>> values;
  int seeds = 1;

  std::vector<nlohmann::json> points() const;  // {key: value} per point
  // What identifies the grid in a results file (base, keys, values, seeds).
  nlohmann::json identity() const;
};

// Parses and validates a grid file: unknown top-level keys, an empty or
// non-list value list, seeds < 1 and every point's configuration (through
// the analog configuration's own validation) — BadInput naming the key.
SweepGrid load_sweep_grid(const std::string& path);
SweepGrid sweep_grid_from_json(const nlohmann::json& j, const std::string& where);

// The effective configuration of one point and seed.
AnalogConfig point_config(const SweepGrid& grid, const nlohmann::json& point, uint64_t seed,
                          const std::string& where);

}  // namespace aimc::models
