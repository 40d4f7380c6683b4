#pragma once
// The placement of a graph as JSON (`aimc place --out`), and a hand-edited
// copy of it read back as overrides (`--placement`):
//   {"layers": [{"layer": name, "op": op_type, "unit": "ima", "arrays": n,
//                "tile_grid": [rows, cols], "cjob": n}, ...]}
// Reading needs only "layer" and "unit" per entry ("cjob" for ima-cjob;
// "op", "arrays" and "tile_grid" are what the pass derived and are ignored).
#include <nlohmann/json.hpp>
#include <string>

#include "engine/graph.h"
#include "engine/passes/place.h"

namespace aimc {

// Every layer node (is_layer_node) with its annotation, in graph order.
nlohmann::json placement_json(const Graph& g);

// Bad JSON, an unknown key, a missing or ill-typed field or an unknown unit
// is BadInput naming the file (and the entry's layer and key).
PlacementOverrides placement_from_json(const nlohmann::json& j, const std::string& where);
PlacementOverrides load_placement(const std::string& path);

}  // namespace aimc
