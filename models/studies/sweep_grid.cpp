#include "models/studies/sweep_grid.h"

#include <fstream>

#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "engine/json_file.h"

namespace aimc::models {
namespace {

// A grid nests 5 levels deep (grid.placement[].analog_layers[]); copying or
// dumping nlohmann::json recurses once per level, so a file of a few tens of
// kilobytes of brackets would overflow the stack (found by fuzzing).
constexpr int kMaxNesting = 32;

// Each point is a full evaluation, and a few lists multiply: 16 lists of 4
// values in a 300-byte file are 4^16 points, which used to exhaust memory
// before any of them was checked (found by fuzzing).
constexpr std::size_t kMaxPoints = 10000;

}  // namespace

std::vector<nlohmann::json> SweepGrid::points() const {
  std::vector<nlohmann::json> out{nlohmann::json::object()};
  for (std::size_t k = 0; k < keys.size(); ++k) {
    std::vector<nlohmann::json> next;
    for (const auto& p : out)
      for (const auto& v : values[k]) {
        nlohmann::json q = p;
        q[keys[k]] = v;
        next.push_back(std::move(q));
      }
    out = std::move(next);
  }
  return out;
}

nlohmann::json SweepGrid::identity() const {
  nlohmann::json grid = nlohmann::json::object();
  for (std::size_t k = 0; k < keys.size(); ++k) grid[keys[k]] = values[k];
  return {{"analog", base}, {"grid", grid}, {"seeds", seeds}};
}

AnalogConfig point_config(const SweepGrid& grid, const nlohmann::json& point, uint64_t seed,
                          const std::string& where) {
  nlohmann::json j = grid.base;
  for (const auto& [k, v] : point.items()) j[k] = v;
  AnalogConfig c = analog_config_from_json(j, where);
  c.seed = seed;
  return c;
}

SweepGrid sweep_grid_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw bad_input(where, "the sweep grid must be a JSON object");
  if (nested_deeper_than(j, kMaxNesting)) {
    throw bad_input(where, "the sweep grid is nested more than " + std::to_string(kMaxNesting) +
                               " levels deep");
  }
  SweepGrid g;
  for (const auto& [key, v] : j.items()) {
    if (key == "analog") {
      if (v.is_string())
        g.base = {{"preset", v.get<std::string>()}};
      else if (v.is_object())
        g.base = v;
      else
        throw bad_input(where, "key 'analog' must be a preset name or a configuration object");
    } else if (key == "seeds") {
      if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 100000)
        throw bad_input(where, "key 'seeds' must be an integer from 1 to 100000");
      g.seeds = v.get<int>();
    } else if (key == "grid") {
      if (!v.is_object()) throw bad_input(where, "key 'grid' must be an object of value lists");
      for (const auto& [k, list] : v.items()) {
        if (k == "seed") throw bad_input(where, "key 'grid.seed': use 'seeds' for the seed count");
        if (!list.is_array()) throw bad_input(where, "key 'grid." + k + "' must be a list");
        if (list.empty()) throw bad_input(where, "key 'grid." + k + "' is an empty list");
        g.keys.push_back(k);
        g.values.emplace_back(list.begin(), list.end());
      }
    } else {
      throw bad_input(where, "unknown key '" + key + "' (expected analog, grid, seeds)");
    }
  }
  std::size_t count = 1;
  for (const auto& list : g.values) {
    count *= list.size();  // cannot overflow: count <= kMaxPoints before, lists are small
    if (count > kMaxPoints) {
      throw bad_input(where, "the grid has more than " + std::to_string(kMaxPoints) +
                                 " points (the product of its list lengths)");
    }
  }
  // Every point must be a valid configuration; errors name the grid key.
  auto check = [&](const nlohmann::json& p) {
    try {
      point_config(g, p, 1, where);
    } catch (const BadInput& e) {
      throw bad_input(where, std::string("grid point ") + p.dump() + ": " + e.what());
    }
  };
  // The first point alone first: it refuses unknown keys before the
  // product of the lists is built.
  nlohmann::json first = nlohmann::json::object();
  for (std::size_t k = 0; k < g.keys.size(); ++k) first[g.keys[k]] = g.values[k].front();
  check(first);
  for (const auto& p : g.points()) check(p);
  return g;
}

SweepGrid load_sweep_grid(const std::string& path) {
  return sweep_grid_from_json(read_json_file(path, path, "sweep grid not found"), path);
}

}  // namespace aimc::models
