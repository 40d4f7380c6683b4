#pragma once
// The ALPINE paper's figures beside aimc's: each workload's best speed-up
// and energy gain of the tightly coupled system over the same cores in
// NEON code, searched over a fixed grid of configurations (operating point,
// mapping, network size, tile size), and the calibration that fits the keys
// marked "calibrated" to the MLP figures only. The LSTM and CNN figures are
// then predictions with those keys frozen.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/hardware/alpine_hardware.h"
#include "engine/timing/alpine_model.h"
#include "engine/timing/layer_shape.h"

namespace aimc::models {

// One point of the grid, and what it gives.
struct AlpineConfig {
  std::string workload;  // "MLP 2x1024", "LSTM 512/512 x28", "CNN-M"
  std::string spec;      // the `aimc timing` arguments that reproduce it
  std::string point;     // "hp" or "lp"
  timing::AlpineMapping mapping = timing::AlpineMapping::kSingle;
  int tile = 0;  // tile rows = cols (0: sized to each layer)
  double speedup = 0, energy_gain = 0;
  double tc_us = 0, digital_us = 0, tc_uj = 0, digital_uj = 0;
};

// The two operating points the grid spans.
struct AlpinePoints {
  AlpineHardware hp, lp;
};
AlpinePoints alpine_points();  // the alpine-hp and alpine-lp presets

// A workload's configurations that fit the tiles, each costed digital and
// tightly coupled with the same mapping; "mlp", "lstm", "cnn".
std::vector<AlpineConfig> alpine_grid(const std::string& workload, const AlpinePoints& p);
// The configuration with the largest speed-up.
AlpineConfig best_config(const std::vector<AlpineConfig>& grid);

// The loosely coupled MLP (lc_tiles layers on the accelerator, DMA) against
// NEON, for the best MLP configuration's size and operating point.
struct LooseResult {
  double speedup = 0, tight_over_loose = 0;
};
LooseResult loose_mlp(const AlpineConfig& best_mlp, const AlpinePoints& p);

// Fits sw_int8_mac_per_cycle (the NEON baseline's rate) to the best MLP
// speed-up (12.8×) and then lc_driver_overhead_us to the loosely coupled
// one (4.1×), by bisection; every other key stays as given. Returns the
// points with the fitted keys.
struct Calibration {
  AlpinePoints points;
  double mac_per_cycle = 0, lc_driver_overhead_us = 0;
};
Calibration calibrate_alpine(const AlpinePoints& start);

// The table of the paper's figures beside aimc's (C1..C10 and the exact
// figures), with the configuration and command behind each.
struct AlpinePaperComparison {
  std::string table;
  nlohmann::json json;
};
AlpinePaperComparison alpine_paper_comparison(const AlpinePoints& p);

}  // namespace aimc::models
