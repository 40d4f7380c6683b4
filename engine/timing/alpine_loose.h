#pragma once
// The loosely coupled comparison system: a memory-mapped accelerator that
// runs the first `lc_tiles` matrix layers of an MLP (with their ReLUs) on
// tiles of its own, fed one int8 per access or by DMA after a driver call;
// core 0 runs the rest in NEON code and waits for the accelerator.
#include <vector>

#include "engine/hardware/alpine_hardware.h"
#include "engine/timing/alpine_model.h"
#include "engine/timing/alpine_plan.h"
#include "engine/timing/layer_shape.h"

namespace aimc::timing {

// Fills r.layers, r.latency_cycles, r.period_cycles, r.mmac (not the
// energy), the accelerator's layers as the placement pass chose them.
void estimate_loose(const std::vector<LayerShape>& layers, const AlpinePlan& plan,
                    const AlpineHardware& h, LooseInterface interface, AlpineReport& r);

}  // namespace aimc::timing
