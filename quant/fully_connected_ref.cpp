#include "quant/fully_connected_ref.h"

#include <algorithm>

namespace aimc::quant {

void fully_connected_int8_reference(const FullyConnectedQuant& q, int batch, int in_features,
                                    int out_features, const int8_t* input, const int8_t* weights,
                                    const int32_t* bias, int8_t* output) {
  for (int b = 0; b < batch; ++b) {
    for (int o = 0; o < out_features; ++o) {
      const int32_t zw = q.weight_zp(o);
      int32_t acc = 0;
      for (int i = 0; i < in_features; ++i) {
        acc += (int32_t{weights[int64_t{o} * in_features + i]} - zw) *
               (int32_t{input[int64_t{b} * in_features + i]} - q.input_zero_point);
      }
      if (bias) acc += bias[o];
      acc = multiply_by_quantized_multiplier(acc, q.multiplier(o)) + q.output_zero_point;
      output[int64_t{b} * out_features + o] =
          static_cast<int8_t>(std::clamp(acc, q.range.min, q.range.max));
    }
  }
}

}  // namespace aimc::quant
