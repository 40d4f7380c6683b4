#pragma once
// Optimized int8 fully-connected, bit-identical to quant::fully_connected_int8_reference.
#include <cstdint>

#include "quant/fully_connected_ref.h"

namespace aimc::int8k {

void fully_connected_int8_fast(const quant::FullyConnectedQuant& q, int batch, int in_features,
                               int out_features, const int8_t* input, const int8_t* weights,
                               const int32_t* bias, int8_t* output, int threads);

}  // namespace aimc::int8k
