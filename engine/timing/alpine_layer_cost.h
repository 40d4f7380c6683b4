#pragma once
// One layer's cost on ALPINE's cores, with its tiles or in NEON code
// (alpine_model.h puts the layers on cores and adds them up).
#include <cstdint>

#include "engine/hardware/alpine_hardware.h"
#include "engine/timing/alpine_geometry.h"
#include "engine/timing/alpine_model.h"
#include "engine/timing/alpine_plan.h"
#include "engine/timing/layer_shape.h"

namespace aimc::timing {

// The core-cycles of one per-element layer (pools, activations, copies...).
double element_cycles(const AlpineHardware& h, const LayerShape& l);
// The cost of a matrix layer: cycles on the critical path, core-cycles busy
// and stalled on CM_PROCESS, instructions, DRAM lines, tile energy.
AlpineLayerCost matrix_layer_cost(const AlpineHardware& h, const LayerShape& l,
                                  const AlpineLayerPlacement& run);

}  // namespace aimc::timing
