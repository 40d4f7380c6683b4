#pragma once
// The full-scale range of each ADC (docs/ARCHITECTURE.md, Analog MVM), one per (slice, row tile,
// column tile) in TileGrid::adc_index order, in digit × input units:
//   max        the worst case over the tile's columns of Σ_i |digit_ij|·x_max
//   fixed      the configuration's adc_fixed_range
//   bound      adc_bound normalized units
//   calibrated a percentile of the |currents| the ADC sees on calibration
//              images (measured by the layer; 0 here)
// A normalized unit is the current of one full-scale input on one
// full-scale weight: x_max × the largest full-scale digit of the tile.
#include <span>
#include <vector>

#include "engine/analog/analog_config.h"
#include "engine/analog/tile_grid.h"
#include "engine/analog/weight_mapping.h"

namespace aimc {

struct AdcRanges {
  std::vector<double> range;  // [adc]
  std::vector<double> unit;   // [adc] one normalized unit
};

// grid.slices must equal w.slices.
AdcRanges adc_ranges(const WeightMapping& w, const TileGrid& grid, const AnalogConfig& c,
                     double x_max);

// The calibrated range of one ADC from the currents it saw: the nearest-rank
// percentile p of their magnitudes, or 1 for an ADC that never saw a current
// (any range is then exact). Reorders `seen`.
double calibrated_range(std::span<float> seen, double p);

}  // namespace aimc
