#pragma once
// The float 3x3 depthwise as plain loops over NCHW planes, the oracle of the
// depthwise and depthwise-block kernel tests: per output, fused
// multiply-adds from 0 over the in-bounds taps in (ky, kx) order, then
// + bias, then the clip (the order of float_conv.cpp's plane loop).
#include <cstdint>
#include <vector>

#include "engine/kernels/float/float_common.h"

namespace aimc::testing {

// The 3x3 window of an h x w plane with the given stride and pads.
inline floatk::Window depthwise3x3_window(int64_t h, int64_t w, int64_t stride, int64_t pad_top,
                                          int64_t pad_left, int64_t pad_bottom, int64_t pad_right) {
  floatk::Window win;
  win.in = {1, h, w};
  win.kernel = {1, 3, 3};
  win.stride = {1, stride, stride};
  win.pad_begin = {0, pad_top, pad_left};
  win.pad_end = {0, pad_bottom, pad_right};
  win.out = {1, (h + pad_top + pad_bottom - 3) / stride + 1,
             (w + pad_left + pad_right - 3) / stride + 1};
  return win;
}

// x[n, c, h, w] -> [n, c, out h, out w]; bias may be null.
inline std::vector<float> plain_depthwise3x3(const std::vector<float>& x, int64_t n, int64_t c,
                                             const floatk::Window& win,
                                             const std::vector<float>& weights, const float* bias,
                                             const floatk::FusedClip& clip) {
  const int64_t h = win.in[1], w = win.in[2], stride = win.stride[1];
  const int64_t pad_top = win.pad_begin[1], pad_left = win.pad_begin[2];
  const int64_t oh = win.out[1], ow = win.out[2];
  std::vector<float> y(n * c * oh * ow);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          float acc = 0.0f;
          for (int ky = 0; ky < 3; ++ky) {
            const int64_t iy = oy * stride - pad_top + ky;
            if (iy < 0 || iy >= h) continue;
            for (int kx = 0; kx < 3; ++kx) {
              const int64_t ix = ox * stride - pad_left + kx;
              if (ix < 0 || ix >= w) continue;
              acc = floatk::madd(weights[ch * 9 + ky * 3 + kx], x[((b * c + ch) * h + iy) * w + ix],
                                 acc);
            }
          }
          y[((b * c + ch) * oh + oy) * ow + ox] = clip(acc + (bias ? bias[ch] : 0.0f));
        }
  return y;
}

}  // namespace aimc::testing
