#pragma once
// One layer's cost on ALPINE's cores, with its tiles or in NEON code
// (alpine_model.h puts the layers on cores and adds them up).
#include <cstdint>

#include "engine/hardware/alpine_hardware.h"
#include "engine/timing/alpine_model.h"
#include "engine/timing/layer_shape.h"

namespace aimc::timing {

// Where a layer's matrix products run and how many cores share its columns.
struct LayerRun {
  bool on_tiles = false;
  int split = 1;  // its columns (hidden units) divided over this many cores
  // Whether every weight read comes from DRAM (the network's weights do not
  // stay in L2) and how many cores stream at once.
  bool weights_in_dram = false;
  int streaming_cores = 1;
};

// A layer with a crossbar matrix: conv, Gemm/MatMul with constant weights,
// recurrent. The rest are per-element layers.
bool has_matrix(const LayerShape& l);
// The core-cycles of one per-element layer (pools, activations, copies...).
double element_cycles(const AlpineHardware& h, const LayerShape& l);
// Tiles one slice of the layer's columns needs.
int tiles_per_slice(const AlpineHardware& h, const LayerShape& l, int split);
// Cores one slice of the layer's columns needs (its tiles over tiles_per_core).
int cores_per_slice(const AlpineHardware& h, const LayerShape& l, int split);

// The cost of a matrix layer: cycles on the critical path, core-cycles busy
// and stalled on CM_PROCESS, instructions, DRAM lines, tile energy.
AlpineLayerCost matrix_layer_cost(const AlpineHardware& h, const LayerShape& l,
                                  const LayerRun& run);

}  // namespace aimc::timing
