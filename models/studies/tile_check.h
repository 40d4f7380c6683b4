#pragma once
// The tile check: one random layer, like a trained one, programmed onto
// crossbar tiles; random inputs run through it and the MVM error against
// the exact integer result is measured at each drift time, without and
// with drift compensation — the quickest way to see what a device model
// and converter setting do.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/analog/analog_config.h"

namespace aimc::models {

struct TileStats {
  double mean_relative_error = 0;  // Σ(ŷ − y)·sign(y) / Σ|y|: the systematic part
  double rms_relative_error = 0;   // sqrt(Σ(ŷ − y)² / Σy²)
  double max_abs_error = 0;        // in accumulator units (input × int8 weight)
  double correlation = 0;          // Pearson r of ŷ and y
};

// The statistics of `got` against the exact `want` (same length).
TileStats compare_outputs(const std::vector<double>& got, const std::vector<double>& want);

struct TileCheckSetup {
  int rows = 256;             // layer inputs K
  int cols = 256;             // layer outputs N
  int inputs = 64;            // random input vectors
  uint64_t seed = 0;          // of the weights, inputs and device draws
  std::vector<double> times;  // drift times t_inf [s]
};

struct TileCheckRow {
  double t_inf = 0;
  std::string compensation;  // none, global, column
  TileStats stats;
};

// Rows for every time × {none, global, column}, in that order; on_row sees
// each as soon as it is measured. `config`'s t_inf, compensation and seed
// are set per row.
std::vector<TileCheckRow> tile_check(const AnalogConfig& config, const TileCheckSetup& setup,
                                     const std::function<void(const TileCheckRow&)>& on_row = {});

// "0,3600,86400" -> seconds; BadInput naming --times unless every item is a
// non-negative number.
std::vector<double> parse_drift_times(const std::string& text);

}  // namespace aimc::models
