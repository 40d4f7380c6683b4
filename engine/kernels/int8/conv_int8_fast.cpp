#include "engine/kernels/int8/conv_int8_fast.h"

#include <algorithm>

namespace aimc::int8k {

PackedConv pack_conv(const quant::ConvGeometry& geometry, const quant::ConvQuant& quant,
                     int in_channels, int out_channels, const int8_t* filter_ohwi,
                     const int32_t* bias) {
  PackedConv p;
  p.geometry = geometry;
  p.quant = quant;
  p.in_channels = in_channels;
  p.out_channels = out_channels;
  const int64_t per_oc = int64_t{geometry.kernel_h} * geometry.kernel_w * (in_channels / geometry.groups);
  p.filter_ohwi.assign(filter_ohwi, filter_ohwi + per_oc * out_channels);
  p.bias.assign(out_channels, 0);
  if (bias) std::copy(bias, bias + out_channels, p.bias.begin());
  p.filter_sums.assign(out_channels, 0);
  for (int oc = 0; oc < out_channels; ++oc) {
    for (int64_t k = 0; k < per_oc; ++k) p.filter_sums[oc] += p.filter_ohwi[oc * per_oc + k];
  }
  return p;
}

void conv_int8_fast(const PackedConv& p, const quant::Nhwc& in, const int8_t* input,
                    const quant::Nhwc& out, int8_t* output, int threads) {
  const int64_t pixels = int64_t{out.n} * out.h * out.w;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t px = 0; px < pixels; ++px) {
    const int b = static_cast<int>(px / (int64_t{out.h} * out.w));
    const int oy = static_cast<int>((px / out.w) % out.h);
    const int ox = static_cast<int>(px % out.w);
    for (int oc = 0; oc < p.out_channels; ++oc) {
      int32_t acc = quant::conv_accumulator_reference(p.geometry, p.quant.input_zero_point, in, input,
                                                      p.out_channels, p.filter_ohwi.data(), b, oy,
                                                      ox, oc);
      acc += p.bias[oc];
      acc = quant::multiply_by_quantized_multiplier(acc, p.quant.per_channel[oc]) +
            p.quant.output_zero_point;
      output[out.offset(b, oy, ox, oc)] =
          static_cast<int8_t>(std::clamp(acc, p.quant.range.min, p.quant.range.max));
    }
  }
}

}  // namespace aimc::int8k
