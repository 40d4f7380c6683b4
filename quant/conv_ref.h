#pragma once
// Reference int8 convolution (any group count, so depthwise too), the
// specification the optimized kernels are tested against. Semantics of
// TFLite's reference_integer_ops::ConvPerChannel / DepthwiseConvPerChannel:
// zero-point-corrected int32 accumulation, positions outside the image
// contribute nothing (= padding with the input zero point), int32 bias,
// per-channel requantization, clamp to the activation range. Beyond TFLite,
// weights may carry zero points (ONNX Runtime's asymmetric uint8 weights):
// the accumulator is Σ (x − zx)(w − zw), with w − zw spanning [−255, 255].
#include <cstdint>
#include <vector>

#include "quant/fixed_point.h"
#include "quant/shapes.h"

namespace aimc::quant {

struct ConvGeometry {
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int groups = 1;

  int out_h(int in_h) const {
    return (in_h + pad_top + pad_bottom - dilation_h * (kernel_h - 1) - 1) / stride_h + 1;
  }
  int out_w(int in_w) const {
    return (in_w + pad_left + pad_right - dilation_w * (kernel_w - 1) - 1) / stride_w + 1;
  }
};

// Weight zero points: empty = symmetric (all 0), one value = per tensor,
// else one per output channel.
int32_t weight_zero_point_of(const std::vector<int32_t>& zero_points, int oc);
bool any_nonzero(const std::vector<int32_t>& zero_points);

struct ConvQuant {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  std::vector<int32_t> weight_zero_point;        // see weight_zero_point_of
  std::vector<QuantizedMultiplier> per_channel;  // one per output channel
  ActivationRange range;
  int32_t weight_zp(int oc) const { return weight_zero_point_of(weight_zero_point, oc); }
};

// filter: [Cout][kh][kw][Cin/groups] (OHWI), bias: [Cout] or nullptr.
void conv_int8_reference(const ConvGeometry& g, const ConvQuant& q, const Nhwc& in,
                         const int8_t* input, int out_channels, const int8_t* filter,
                         const int32_t* bias, const Nhwc& out, int8_t* output);

// The raw int32 accumulator Σ (x − zx)(w − zw) (before bias and
// requantization) of one output position; the analog path and tests use it.
int32_t conv_accumulator_reference(const ConvGeometry& g, int32_t input_zero_point,
                                   int32_t weight_zero_point, const Nhwc& in, const int8_t* input,
                                   int out_channels, const int8_t* filter, int b, int oy, int ox,
                                   int oc);

}  // namespace aimc::quant
