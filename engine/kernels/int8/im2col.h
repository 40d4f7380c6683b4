#pragma once
// One output pixel's receptive field, gathered in (ky, kx, channel) order —
// the K order of OHWI weights — with taps outside the image set to `pad`.
// Shared by the GEMM conv (u8 panels) and the analog conv (int32 inputs).
#include <cstdint>

#include "quant/conv_ref.h"

namespace aimc::int8k {

// dst receives kernel_h * kernel_w * in.c values: convert(x) for taps in the
// image, `pad` for taps in the padding.
template <typename T, typename Convert>
void im2col_pixel(const quant::ConvGeometry& g, const quant::Nhwc& in, const int8_t* input, int b,
                  int oy, int ox, T pad, Convert convert, T* dst) {
  const int ix0 = ox * g.stride_w - g.pad_left;
  const int run = g.kernel_w * in.c;
  // A row of taps inside the image is one contiguous NHWC run (the common
  // case): one plain loop instead of a bounds check and loop per tap.
  const bool row_inside = g.dilation_w == 1 && ix0 >= 0 && ix0 + g.kernel_w <= in.w;
  for (int ky = 0; ky < g.kernel_h; ++ky) {
    const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
    if (row_inside && iy >= 0 && iy < in.h) {
      const int8_t* src = input + in.offset(b, iy, ix0, 0);
      for (int i = 0; i < run; ++i) dst[i] = convert(src[i]);
      dst += run;
      continue;
    }
    for (int kx = 0; kx < g.kernel_w; ++kx, dst += in.c) {
      const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
      if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) {
        for (int c = 0; c < in.c; ++c) dst[c] = pad;
        continue;
      }
      const int8_t* src = input + in.offset(b, iy, ix, 0);
      for (int c = 0; c < in.c; ++c) dst[c] = convert(src[c]);
    }
  }
}

}  // namespace aimc::int8k
