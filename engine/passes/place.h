#pragma once
// The placement pass: the one place that decides where each layer runs.
// It annotates every node of a graph (Node::placement) — or every layer of
// a programmatic timing spec — from a policy; the kernels build crossbar
// tiles exactly for the nodes it puts on a crossbar unit, and the timing
// model costs each layer on the unit it names (docs: README "Timing").
#include <string>
#include <vector>

#include "engine/analog/analog_config.h"
#include "engine/graph.h"
#include "engine/placement.h"
#include "engine/timing/layer_shape.h"

namespace aimc {

struct PlacementPolicy {
  // false: everything on the cores (digital and float runs).
  bool analog = false;
  // Layer kinds on the crossbar (as in the analog configuration's placement).
  bool conv = true, pointwise = true, gemm = true;
  int depthwise_cjob = 0;  // > 0: depthwise convs on the crossbar in C_job blocks
  // Where depthwise convs not on the crossbar run.
  Unit depthwise_elsewhere = Unit::kDepthwiseAccel;
  std::vector<std::string> analog_layers;   // names forced onto the crossbar
  std::vector<std::string> digital_layers;  // names kept off it
  int tile_rows = 256, tile_cols = 256;     // of the tile grid the annotation records
  int pairs_per_weight = 1;                 // copies of every crossbar tile
  // true: a unit is chosen only where the emulation's kernels can run the
  // node there (a float depthwise conv has no crossbar kernel). false: the
  // placement is only costed (the timing scenarios), any layer of a kind may go.
  bool emulated = true;
};

// Digital and float runs: every node on the cores.
PlacementPolicy cores_policy();
// Analog runs: the configuration's placement and tile size.
PlacementPolicy analog_policy(const AnalogConfig& c);

// A hand-edited placement (aimc place --out, then --placement): per layer
// name a unit (and its C_job for ima-cjob; 0: the policy's, or 16).
struct PlacementOverride {
  std::string layer;
  Unit unit = Unit::kCores;
  int cjob = 0;
};
struct PlacementOverrides {
  std::string source;  // the file, for messages
  std::vector<PlacementOverride> entries;
  bool empty() const { return entries.empty(); }
};

// Annotates every node, then applies the overrides. An override naming no
// node, or a unit the node cannot run on (a crossbar unit outside analog
// mode, ima for an Add, dw-accel for a conv that is not depthwise, ...), is
// BadInput naming the file, the layer and the unit.
void place(Graph& g, const PlacementPolicy& p, const PlacementOverrides& overrides = {});

// The same decisions for the layers of a programmatic spec (no weights).
void place_layers(std::vector<timing::LayerShape>& layers, const PlacementPolicy& p,
                  const PlacementOverrides& overrides = {});

// Whether the placement pass treats the node as a layer (aimc place lists
// these): convs, Gemm/MatMul, adds and pools.
bool is_layer_node(const Node& n);

}  // namespace aimc
