#include "quant/conv_ref.h"

#include <algorithm>

namespace aimc::quant {

int32_t weight_zero_point_of(const std::vector<int32_t>& zero_points, int oc) {
  if (zero_points.empty()) return 0;
  return zero_points.size() == 1 ? zero_points[0] : zero_points[oc];
}

bool any_nonzero(const std::vector<int32_t>& zero_points) {
  return std::any_of(zero_points.begin(), zero_points.end(), [](int32_t z) { return z != 0; });
}

int32_t conv_accumulator_reference(const ConvGeometry& g, int32_t input_zero_point,
                                   int32_t weight_zero_point, const Nhwc& in, const int8_t* input,
                                   int out_channels, const int8_t* filter, int b, int oy, int ox,
                                   int oc) {
  const int cin_per_group = in.c / g.groups;
  const int cout_per_group = out_channels / g.groups;
  const int group = oc / cout_per_group;
  int32_t acc = 0;
  for (int ky = 0; ky < g.kernel_h; ++ky) {
    const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
    if (iy < 0 || iy >= in.h) continue;
    for (int kx = 0; kx < g.kernel_w; ++kx) {
      const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
      if (ix < 0 || ix >= in.w) continue;
      for (int ic = 0; ic < cin_per_group; ++ic) {
        const int32_t x = input[in.offset(b, iy, ix, group * cin_per_group + ic)];
        const int32_t w =
            filter[((int64_t{oc} * g.kernel_h + ky) * g.kernel_w + kx) * cin_per_group + ic] -
            weight_zero_point;
        acc += w * (x - input_zero_point);
      }
    }
  }
  return acc;
}

void conv_int8_reference(const ConvGeometry& g, const ConvQuant& q, const Nhwc& in,
                         const int8_t* input, int out_channels, const int8_t* filter,
                         const int32_t* bias, const Nhwc& out, int8_t* output) {
  for (int b = 0; b < out.n; ++b) {
    for (int oy = 0; oy < out.h; ++oy) {
      for (int ox = 0; ox < out.w; ++ox) {
        for (int oc = 0; oc < out_channels; ++oc) {
          int32_t acc = conv_accumulator_reference(g, q.input_zero_point, q.weight_zp(oc), in,
                                                   input, out_channels, filter, b, oy, ox, oc);
          if (bias) acc += bias[oc];
          acc = multiply_by_quantized_multiplier(acc, q.per_channel[oc]) + q.output_zero_point;
          acc = std::clamp(acc, q.range.min, q.range.max);
          output[out.offset(b, oy, ox, oc)] = static_cast<int8_t>(acc);
        }
      }
    }
  }
}

}  // namespace aimc::quant
