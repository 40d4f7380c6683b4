#pragma once
// The placement pass for the ALPINE system: which layers run on tiles (and
// on which cores), on the cores in NEON code, or on the loosely coupled
// accelerator; how a layer's columns are divided over cores; which
// pipeline stage each layer belongs to. Decided once here; the cost model
// (engine/timing/alpine_model.h) reads it.
#include <vector>

#include "engine/hardware/alpine_hardware.h"
#include "engine/timing/alpine_model.h"
#include "engine/timing/alpine_plan.h"
#include "engine/timing/layer_shape.h"

namespace aimc {

using timing::AlpineLayerPlacement;
using timing::AlpinePlan;

// One placement per given layer (uncosted ones too, left on the cores).
// BadInput naming the layer when its weights do not fit the tiles (unless
// count_programming), when the loosely coupled accelerator is asked for
// another mapping or its first matrix layer is not a Gemm/MatMul.
AlpinePlan place_alpine(const std::vector<timing::LayerShape>& layers, const AlpineHardware& h,
                        const timing::AlpineOptions& o);

}  // namespace aimc
