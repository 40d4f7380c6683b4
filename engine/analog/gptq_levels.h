#pragma once
// GPTQ for crossbar layers (docs/ARCHITECTURE.md, Weight quantization): the
// input moments come from an ideal twin of the chip, whose activations are
// the digital path's; the levels then replace plain rounding when the real
// chip is programmed.
#include "engine/analog/analog_config.h"
#include "engine/analog/weight_levels.h"
#include "engine/run_state.h"

namespace aimc {

// The ideal twin of a chip: the same placement, tiles and DAC, ideal devices
// without faults, drift or output noise, an ADC that never rounds away an
// integer sum (28 bits, range max), and weights that are not requantized
// (an int8 model keeps its own; a float model gets 16-bit levels).
AnalogConfig gptq_twin(const AnalogConfig& c);

// The GPTQ levels of every block the moments describe whose weights the
// configuration quantizes, on plain rounding's grid of `c`.
WeightLevelTable gptq_weight_levels(const LayerMoments& moments, const AnalogConfig& c);

}  // namespace aimc
