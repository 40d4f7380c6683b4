#pragma once
// Reference int8 fully-connected (TFLite reference_integer_ops::FullyConnected):
// per-tensor (or per-channel) weights, int32 bias, one multiplier per channel.
// Beyond TFLite, weights may carry zero points: Σ (x − zx)(w − zw).
#include <cstdint>
#include <vector>

#include "quant/conv_ref.h"
#include "quant/fixed_point.h"
#include "quant/shapes.h"

namespace aimc::quant {

struct FullyConnectedQuant {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  std::vector<int32_t> weight_zero_point;        // as ConvQuant's: empty, 1 or out_features
  std::vector<QuantizedMultiplier> per_channel;  // size 1 (per-tensor) or out_features
  ActivationRange range;
  const QuantizedMultiplier& multiplier(int oc) const {
    return per_channel.size() == 1 ? per_channel[0] : per_channel[oc];
  }
  int32_t weight_zp(int oc) const { return weight_zero_point_of(weight_zero_point, oc); }
};

// weights: [out_features][in_features] (row-major, as Gemm with transB=1).
void fully_connected_int8_reference(const FullyConnectedQuant& q, int batch, int in_features,
                                    int out_features, const int8_t* input, const int8_t* weights,
                                    const int32_t* bias, int8_t* output);

}  // namespace aimc::quant
