#pragma once
// Where a layer runs, as annotated on each node by the placement pass
// (engine/passes/place.h) and read by the kernels and the timing model:
// nothing else decides. Plain data, so the engine core knows it without
// knowing the analog emulation or the cluster model.
#include <optional>
#include <string>
#include <vector>

namespace aimc {

enum class Unit {
  kCores,           // software on the cluster's cores (digital)
  kArrays,          // crossbar arrays holding the layer's weight matrix ("ima")
  kDepthwiseAccel,  // the depthwise accelerator (functionally digital)
  kCrossbarCjob,    // a depthwise conv on the crossbar in C_job-channel blocks
  kCoresChw,        // depthwise on the cores in CHW layout, with HWC<->CHW marshalling
};

struct NodePlacement {
  Unit unit = Unit::kCores;
  // Analog units: the crossbar tiles the weights are programmed on. For
  // kArrays the grid of tiles over the layer's matrix; for kCrossbarCjob
  // the grid of one C_job block, and `arrays` counts the tiles of all blocks.
  int arrays = 0;
  int row_tiles = 0, col_tiles = 0;
  int cjob = 0;  // kCrossbarCjob: channels per block-diagonal job
  // Differential pairs per weight (pairs_per_weight): each set of pairs sits on
  // its own copy of every tile, and the copies' currents add before the ADC.
  // `arrays` counts every copy.
  int copies = 1;

  bool operator==(const NodePlacement&) const = default;
};

// Units whose matrix-vector products run on emulated crossbar tiles.
inline bool on_crossbar(Unit u) { return u == Unit::kArrays || u == Unit::kCrossbarCjob; }

// "cores", "ima", "dw-accel", "ima-cjob", "cores-chw".
std::string unit_name(Unit u);
std::optional<Unit> unit_from_name(const std::string& name);
std::vector<Unit> all_units();
// "cores, ima, ..." for messages.
std::string unit_names();

}  // namespace aimc
