#pragma once
// Drift compensation (docs/ARCHITECTURE.md, Drift compensation): each tile is read out right after
// programming and at t_inf; the outputs of the later read are multiplied by
// α = Σ|y(t0)| / Σ|y(t_inf)|, summed over the whole tile (global) or over each column (per column).
// The read-out inputs are the identity (aihwkit's choice: Σ|y| is then Σ|G+ − G−|), or
// kCompensationInputs vectors uniform in (0, x_max], drawn under (seed, layer, tile = tile_base +
// ADC index, row, input, calibration).
#include <cstdint>
#include <span>
#include <vector>

#include "engine/analog/analog_config.h"
#include "engine/analog/tile_grid.h"

namespace aimc {

// Calibration inputs per tile.
inline constexpr int kCompensationInputs = 16;

// With drift pre-distortion: the [slice][K][N] target differences as intended and as
// programmed (pre-distorted). The periphery chose both, so it scales the reference Σ|y(t0)|
// measured on the pre-distorted devices by Σ|y| of the intended targets over Σ|y| of the
// pre-distorted ones (the same read-out, computed digitally), per column or over the tile:
// α then restores the intended matrix. Empty: no scaling.
struct CompensationTargets {
  std::span<const float> intended, predistorted;
};

// α [slice][row tile][N] (all 1 without compensation, and where a column or
// tile reads no current at t_inf) from the [slice][K][N] planes of
// conductance differences right after programming and at t_inf.
std::vector<double> drift_compensation(const TileGrid& grid, std::span<const float> programmed,
                                       std::span<const float> read, const AnalogConfig& c,
                                       uint32_t layer, uint32_t tile_base, double x_max,
                                       const CompensationTargets& targets = {});

}  // namespace aimc
