#include "engine/kernels/int8/fully_connected_fast.h"

#include <algorithm>

namespace aimc::int8k {

void fully_connected_int8_fast(const quant::FullyConnectedQuant& q, int batch, int in_features,
                               int out_features, const int8_t* input, const int8_t* weights,
                               const int32_t* bias, int8_t* output, int threads) {
  // Parallel over (row, output feature): each output is one independent dot product.
  const int64_t total = int64_t{batch} * out_features;
  // Asymmetric weights: Σ (x − zx)(w − zw) = Σ (x − zx)·w − zw·Σ (x − zx).
  const bool asymmetric = quant::any_nonzero(q.weight_zero_point);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t idx = 0; idx < total; ++idx) {
    const int64_t b = idx / out_features;
    const int o = static_cast<int>(idx % out_features);
    const int8_t* x = input + b * in_features;
    const int8_t* w = weights + int64_t{o} * in_features;
    int32_t dot = 0, wsum = 0;
    for (int i = 0; i < in_features; ++i) {
      dot += int32_t{w[i]} * int32_t{x[i]};
      wsum += w[i];
    }
    int32_t acc = dot - q.input_zero_point * wsum + (bias ? bias[o] : 0);
    if (asymmetric) {
      int32_t xsum = 0;
      for (int i = 0; i < in_features; ++i) xsum += x[i];
      acc -= q.weight_zp(o) * (xsum - in_features * q.input_zero_point);
    }
    acc = quant::multiply_by_quantized_multiplier(acc, q.multiplier(o)) + q.output_zero_point;
    output[idx] = static_cast<int8_t>(std::clamp(acc, q.range.min, q.range.max));
  }
}

}  // namespace aimc::int8k
