#pragma once
// The signed digits of a weight mapping onto differential pairs of devices
// (docs/ARCHITECTURE.md, Analog MVM and Device models): digit q is held by G+ = g_max·max(q,
// 0)/q_full and G− = g_max·max(−q, 0)/q_full, each device programmed by the configured device
// model, drifted to t_inf and read back as (G+ − G−)/g_max·q_full. The device holding the level
// draws under key extra 2·slice, its partner 2·slice + 1; the tile of a key is row tile · column
// tiles + column tile.
#include <cstdint>
#include <vector>

#include "engine/analog/analog_config.h"
#include "engine/analog/tile_grid.h"
#include "engine/analog/weight_mapping.h"

namespace aimc {

// [slice][K][N] conductance differences in digit units.
struct ProgrammedPlanes {
  std::vector<float> read;        // at t_inf
  std::vector<float> programmed;  // right after programming: drift compensation's reference
  // Only with drift pre-distortion (else empty): the target differences as intended and as
  // pre-distorted, known to the periphery; compensation scales its reference by their ratio.
  std::vector<float> intended, predistorted;
};

// tile_base offsets the tile of every key (several matrices of one layer).
// Exact devices without faults keep the digits as they are (no µS round trip).
// With drift_predistortion_time > 0 each device is programmed to its pre-distorted target
// (noise-models/drift_predistortion.h), unless the device does not drift.
ProgrammedPlanes program_devices(const WeightMapping& w, const TileGrid& grid,
                                 const AnalogConfig& c, uint32_t layer, uint32_t tile_base);

}  // namespace aimc
