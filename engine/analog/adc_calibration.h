#pragma once
// Calibrated ADC ranges (range mode `calibrated`, docs/ARCHITECTURE.md, ADC calibration): per
// analog layer (by node name), one range per ADC, measured as a percentile of |y| on calibration
// images. Filled once by a calibration run, then read by every later run; the JSON result of a run
// records them.
#include <span>

#include "engine/run_state.h"

namespace aimc {

using AdcCalibration = LayerRanges;

// Nearest-rank percentile (p in (0, 100]) of |values|; reorders values.
double abs_percentile(std::span<float> values, double p);

}  // namespace aimc
