#include "engine/kernels/int8/weight_zero_points.h"

#include <algorithm>

namespace aimc::int8k {

std::vector<int32_t> weight_zero_points_per_channel(const std::vector<int32_t>& zero_points,
                                                    int channels) {
  if (!quant::any_nonzero(zero_points)) return {};
  std::vector<int32_t> zw(channels);
  for (int o = 0; o < channels; ++o) zw[o] = quant::weight_zero_point_of(zero_points, o);
  return zw;
}

void subtract_weight_zero_points(const std::vector<int32_t>& zw, const int64_t* sums,
                                 int sum_stride, int per_sum, int rows, int32_t* acc,
                                 int64_t acc_stride) {
  const int channels = static_cast<int>(zw.size());
  for (int r = 0; r < rows; ++r) {
    const int64_t* s = sums + int64_t{r} * sum_stride;
    int32_t* a = acc + r * acc_stride;
    // In int64, then wrapped: equal to the reference's int32 sum whenever it fits.
    for (int o = 0; o < channels; ++o)
      a[o] = static_cast<int32_t>(a[o] - int64_t{zw[o]} * s[o / per_sum]);
  }
}

void window_sums(const quant::ConvGeometry& g, const quant::Nhwc& in, const int8_t* input,
                 int32_t zx, int b, int oy, int ox, int64_t* sums) {
  const int cin_g = in.c / g.groups;
  std::fill(sums, sums + g.groups, 0);
  for (int ky = 0; ky < g.kernel_h; ++ky) {
    const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
    if (iy < 0 || iy >= in.h) continue;
    for (int kx = 0; kx < g.kernel_w; ++kx) {
      const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
      if (ix < 0 || ix >= in.w) continue;
      const int8_t* x = input + in.offset(b, iy, ix, 0);
      for (int gi = 0; gi < g.groups; ++gi) {
        int64_t s = 0;
        for (int c = 0; c < cin_g; ++c) s += x[gi * cin_g + c] - zx;
        sums[gi] += s;
      }
    }
  }
}

}  // namespace aimc::int8k
