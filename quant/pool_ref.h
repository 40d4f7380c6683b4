#pragma once
// Reference int8 pooling.
// - mean over H×W (TFLite Micro's reduce: 1/count folded into the fixed-point
//   multiplier, `shift = floor(log2(count))` bits of headroom, so the value is
//   rounded twice; see ../shared/reference/README.md),
// - average pool with a window (TFLite reference AveragePool: sum, then
//   divide by the number of valid taps rounding half away from zero; when the
//   output scale differs, the mean-style multiplier is used instead),
// - max pool (max over valid taps; input and output share quantization).
#include <cstdint>

#include "quant/conv_ref.h"
#include "quant/fixed_point.h"
#include "quant/shapes.h"

namespace aimc::quant {

struct MeanQuant {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  QuantizedMultiplier multiplier;  // with 1/count folded in
  int count = 1;
};

MeanQuant make_mean_quant(float input_scale, int32_t input_zero_point, float output_scale,
                          int32_t output_zero_point, int count);

// Sum of `count` int8 values already reduced; the output element.
int8_t mean_int8_from_sum(const MeanQuant& q, int32_t sum);

// in: NHWC; out: N×1×1×C.
void global_mean_int8_reference(const MeanQuant& q, const Nhwc& in, const int8_t* input,
                                int8_t* output);

struct PoolQuant {
  bool same_quant = true;  // input and output quantization equal
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  float input_scale = 1, output_scale = 1;
  ActivationRange range;
};

void average_pool_int8_reference(const ConvGeometry& g, const PoolQuant& q, bool count_include_pad,
                                 const Nhwc& in, const int8_t* input, const Nhwc& out,
                                 int8_t* output);
void max_pool_int8_reference(const ConvGeometry& g, const PoolQuant& q, const Nhwc& in,
                             const int8_t* input, const Nhwc& out, int8_t* output);

}  // namespace aimc::quant
