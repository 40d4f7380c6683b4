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

// α [slice][row tile][N] (all 1 without compensation, and where a column or
// tile reads no current at t_inf) from the [slice][K][N] planes of
// conductance differences right after programming and at t_inf.
std::vector<double> drift_compensation(const TileGrid& grid, std::span<const float> programmed,
                                       std::span<const float> read, const AnalogConfig& c,
                                       uint32_t layer, uint32_t tile_base, double x_max);

}  // namespace aimc
