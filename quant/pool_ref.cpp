#include "quant/pool_ref.h"

#include <algorithm>
#include <bit>

namespace aimc::quant {

MeanQuant make_mean_quant(float input_scale, int32_t input_zero_point, float output_scale,
                          int32_t output_zero_point, int count) {
  MeanQuant q;
  q.input_zero_point = input_zero_point;
  q.output_zero_point = output_zero_point;
  q.count = count;
  QuantizedMultiplier m =
      quantize_multiplier(static_cast<double>(input_scale) / static_cast<double>(output_scale));
  // TFLite Micro reduce_common.cc: fold 1/count into the multiplier with
  // floor(log2(count)) bits of headroom, capped so the shift stays >= -31.
  int shift = 63 - std::countl_zero(static_cast<uint64_t>(count));
  shift = std::min(shift, 32);
  shift = std::min(shift, 31 + m.shift);
  m.multiplier = static_cast<int32_t>((static_cast<int64_t>(m.multiplier) << shift) / count);
  m.shift -= shift;
  q.multiplier = m;
  return q;
}

int8_t mean_int8_from_sum(const MeanQuant& q, int32_t sum) {
  const int32_t shifted = sum - q.input_zero_point * q.count;
  const int32_t out = multiply_by_quantized_multiplier(shifted, q.multiplier) + q.output_zero_point;
  return static_cast<int8_t>(std::clamp(out, -128, 127));
}

void global_mean_int8_reference(const MeanQuant& q, const Nhwc& in, const int8_t* input,
                                int8_t* output) {
  for (int b = 0; b < in.n; ++b) {
    for (int c = 0; c < in.c; ++c) {
      int32_t sum = 0;
      for (int y = 0; y < in.h; ++y) {
        for (int x = 0; x < in.w; ++x) sum += input[in.offset(b, y, x, c)];
      }
      output[int64_t{b} * in.c + c] = mean_int8_from_sum(q, sum);
    }
  }
}

namespace {
// Calls f(sum_or_max_accumulator...) over the valid taps of one window.
template <typename F>
void for_each_tap(const ConvGeometry& g, const Nhwc& in, int oy, int ox, F&& f) {
  for (int ky = 0; ky < g.kernel_h; ++ky) {
    const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
    if (iy < 0 || iy >= in.h) continue;
    for (int kx = 0; kx < g.kernel_w; ++kx) {
      const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
      if (ix < 0 || ix >= in.w) continue;
      f(iy, ix);
    }
  }
}
}  // namespace

void average_pool_int8_reference(const ConvGeometry& g, const PoolQuant& q, bool count_include_pad,
                                 const Nhwc& in, const int8_t* input, const Nhwc& out,
                                 int8_t* output) {
  for (int b = 0; b < out.n; ++b) {
    for (int oy = 0; oy < out.h; ++oy) {
      for (int ox = 0; ox < out.w; ++ox) {
        for (int c = 0; c < out.c; ++c) {
          int32_t sum = 0;
          int valid = 0;
          for_each_tap(g, in, oy, ox, [&](int iy, int ix) {
            sum += input[in.offset(b, iy, ix, c)];
            ++valid;
          });
          // Padded taps hold the zero point (real value 0).
          const int count = count_include_pad ? g.kernel_h * g.kernel_w : valid;
          sum += (count - valid) * q.input_zero_point;
          int32_t v;
          if (q.same_quant) {
            // TFLite reference AveragePool: divide, rounding half away from zero.
            v = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
          } else {
            const MeanQuant m = make_mean_quant(q.input_scale, q.input_zero_point, q.output_scale,
                                                q.output_zero_point, count);
            v = mean_int8_from_sum(m, sum);
          }
          output[out.offset(b, oy, ox, c)] =
              static_cast<int8_t>(std::clamp(v, q.range.min, q.range.max));
        }
      }
    }
  }
}

void max_pool_int8_reference(const ConvGeometry& g, const PoolQuant& q, const Nhwc& in,
                             const int8_t* input, const Nhwc& out, int8_t* output) {
  for (int b = 0; b < out.n; ++b) {
    for (int oy = 0; oy < out.h; ++oy) {
      for (int ox = 0; ox < out.w; ++ox) {
        for (int c = 0; c < out.c; ++c) {
          int32_t m = -128;
          for_each_tap(g, in, oy, ox, [&](int iy, int ix) {
            m = std::max<int32_t>(m, input[in.offset(b, iy, ix, c)]);
          });
          output[out.offset(b, oy, ox, c)] =
              static_cast<int8_t>(std::clamp(m, q.range.min, q.range.max));
        }
      }
    }
  }
}

}  // namespace aimc::quant
