#include "engine/passes/placement_file.h"

#include "engine/error.h"
#include "engine/json_file.h"

namespace aimc {
namespace {

std::string entry_label(std::size_t i, const nlohmann::json& e) {
  if (e.is_object() && e.contains("layer") && e["layer"].is_string())
    return "layer '" + e["layer"].get<std::string>() + "'";
  return "entry " + std::to_string(i);
}

PlacementOverride entry_from_json(std::size_t i, const nlohmann::json& e,
                                  const std::string& where) {
  const std::string label = entry_label(i, e);
  if (!e.is_object()) throw bad_input(where, label + " must be an object");
  for (const auto& [key, value] : e.items())
    if (key != "layer" && key != "op" && key != "unit" && key != "arrays" && key != "tile_grid" &&
        key != "cjob")
      throw bad_input(where, label + ": unknown key '" + key + "'");
  if (!e.contains("layer") || !e["layer"].is_string())
    throw bad_input(where, label + ": key 'layer' must be a layer name");
  if (!e.contains("unit") || !e["unit"].is_string())
    throw bad_input(where, label + ": key 'unit' must be one of " + unit_names());
  PlacementOverride o;
  o.layer = e["layer"].get<std::string>();
  const std::string unit = e["unit"].get<std::string>();
  const auto u = unit_from_name(unit);
  if (!u)
    throw bad_input(where, label + ": unknown unit '" + unit + "' (units: " + unit_names() + ")");
  o.unit = *u;
  if (e.contains("cjob")) {
    const auto& c = e["cjob"];
    if (!c.is_number_integer() || c.get<int64_t>() < 0 || c.get<int64_t>() > 4096)
      throw bad_input(where, label + " (unit '" + unit +
                                 "'): key 'cjob' must be an integer in "
                                 "[0, 4096]");
    if (o.unit == Unit::kCrossbarCjob) o.cjob = c.get<int>();
  }
  return o;
}

}  // namespace

nlohmann::json placement_json(const Graph& g) {
  nlohmann::json layers = nlohmann::json::array();
  for (const Node& n : g.nodes) {
    if (!is_layer_node(n)) continue;
    const NodePlacement& p = n.placement;
    layers.push_back({{"layer", n.name},
                      {"op", n.op_type},
                      {"unit", unit_name(p.unit)},
                      {"arrays", p.arrays},
                      {"tile_grid", {p.row_tiles, p.col_tiles}},
                      {"cjob", p.cjob}});
  }
  return {{"layers", layers}};
}

PlacementOverrides placement_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object())
    throw bad_input(where, "a placement must be a JSON object {\"layers\": [...]}");
  for (const auto& [key, value] : j.items())
    if (key != "layers") throw bad_input(where, "unknown key '" + key + "' (expected 'layers')");
  if (!j.contains("layers") || !j["layers"].is_array())
    throw bad_input(where, "key 'layers' must be a list of {\"layer\", \"unit\"} entries");
  PlacementOverrides o;
  o.source = where;
  const auto& layers = j["layers"];
  for (std::size_t i = 0; i < layers.size(); ++i)
    o.entries.push_back(entry_from_json(i, layers[i], where));
  return o;
}

PlacementOverrides load_placement(const std::string& path) {
  return placement_from_json(read_json_file(path, path, "placement file not found"), path);
}

}  // namespace aimc
