#pragma once
// How a layer's matrix-vector products run on emulated crossbars (DESIGN §3,
// §4): tile size, converters, weight precision, device model, evaluation time.
#include <cstdint>

#include "noise-models/pcm.h"
#include "quant/converters.h"

namespace aimc {

enum class AnalogDevice { kIdeal, kPcm };
enum class AdcRangeMode { kMax, kFixed };

struct AnalogConfig {
  int tile_rows = 256;
  int tile_cols = 256;
  quant::DacSpec dac{8, 255};
  int adc_bits = 8;
  AdcRangeMode adc_range = AdcRangeMode::kMax;
  double adc_fixed_range = 0;  // in accumulator units, for kFixed
  int weight_bits = 8;         // 8 keeps the model's own int8 weights
  AnalogDevice device = AnalogDevice::kIdeal;
  noise::PcmParams pcm;
  double t_inf = 0;  // seconds after programming
  bool global_drift_compensation = false;
  double out_noise = 0;  // σ of additive noise at the ADC input, relative to the ADC range
  uint64_t seed = 0;
};

}  // namespace aimc
