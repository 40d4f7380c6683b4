#pragma once
// The integer end of an analog layer: the digitised accumulators, rounded
// and saturated to int32 (accumulator_to_int32), go through the layer's bias
// and requantization exactly as the digital path's do (docs/ARCHITECTURE.md, Digital kernels).
#include <cstdint>

#include "engine/analog/tiled_layer.h"
#include "engine/kernels/int8/requantize_rows.h"

namespace aimc::int8k {

// out[job × channels] int8 for the jobs an emit call receives.
TiledLayer::EmitInt32 requantizing_emit(const ChannelRequant& requant, int channels, int8_t* out);

}  // namespace aimc::int8k
