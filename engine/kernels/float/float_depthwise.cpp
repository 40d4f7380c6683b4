#include "engine/kernels/float/float_depthwise.h"

#include <algorithm>
#include <vector>

#include "engine/kernels/float/row_taps.h"

namespace aimc::floatk {

#if defined(AIMC_FLOAT_ROW_TAPS)
namespace {

using namespace rowtaps;
constexpr int64_t kRows = 4;  // output rows computed together (independent FMA chains)

// Output rows oy0..oy0+kRows-1 read input rows oy0 * S - pad + i, i < (kRows-1)*S + 3.
// Each input row's three tap vectors are loaded once and feed every output
// row that uses it, so an output row still receives its taps in (ky, kx)
// order.
template <int kStride>
void plane3x3(const Window& w, const float* in, const float* wt, float bias, const FusedClip& clip,
              float* out) {
  constexpr int kInRows = (kRows - 1) * kStride + 3;
  const int64_t ih = w.in[1], iw = w.in[2], oh = w.out[1], ow = w.out[2];
  __m512 taps[9];
  for (int t = 0; t < 9; ++t) taps[t] = _mm512_set1_ps(wt[t]);
  const __m512 b = _mm512_set1_ps(bias);
  for (int64_t oy0 = 0; oy0 < oh; oy0 += kRows) {
    const int64_t iy0 = oy0 * kStride - w.pad_begin[1];
    for (int64_t ox = 0; ox < ow; ox += kLanes) {
      const RowTaps<kStride> cols(ox, w.pad_begin[2], iw);
      const auto lanes = static_cast<__mmask16>((1u << std::min(kLanes, ow - ox)) - 1);
      __m512 acc[kRows];
      for (auto& a : acc) a = _mm512_setzero_ps();
#pragma GCC unroll 16
      for (int i = 0; i < kInRows; ++i) {
        // A row outside the input loads zeros (fma(w, 0, acc) == acc), so
        // the loop has no branch and the accumulators stay in registers.
        const bool inside = iy0 + i >= 0 && iy0 + i < ih;
        __m512 v[3];
        cols.load(inside ? in + (iy0 + i) * iw : in, inside, v);
#pragma GCC unroll 3
        for (int kx = 0; kx < 3; ++kx) {
#pragma GCC unroll 4
          for (int o = 0; o < kRows; ++o) {
            const int ky = i - o * kStride;
            if (ky >= 0 && ky < 3) acc[o] = _mm512_fmadd_ps(taps[ky * 3 + kx], v[kx], acc[o]);
          }
        }
      }
      for (int64_t r = 0; r < std::min(kRows, oh - oy0); ++r) {
        _mm512_mask_storeu_ps(out + (oy0 + r) * ow + ox, lanes,
                              clip16(_mm512_add_ps(acc[r], b), clip));
      }
    }
  }
}

template <int kStride>
void run_planes(const Window& w, const float* x, const float* weights, const float* bias,
                const FusedClip& clip, int64_t planes, int64_t channels, float* y, int threads) {
  const int64_t in_plane = w.in[1] * w.in[2], out_plane = w.out[1] * w.out[2];
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t t = 0; t < planes; ++t) {
    const int64_t c = t % channels;
    plane3x3<kStride>(w, x + t * in_plane, weights + c * 9, bias ? bias[c] : 0.0f, clip,
                      y + t * out_plane);
  }
}

}  // namespace
#endif

bool depthwise3x3_supported(const Window& w, int64_t channels, int64_t group, int64_t out_c) {
#if defined(AIMC_FLOAT_ROW_TAPS)
  return w.in[0] == 1 && w.kernel == std::array<int64_t, 3>{1, 3, 3} &&
         w.dilation == std::array<int64_t, 3>{1, 1, 1} && group == channels && out_c == channels &&
         (w.stride[2] == 1 || w.stride[2] == 2) && w.stride[1] == w.stride[2] &&
         w.pad_begin[2] <= 2 && w.pad_end[2] <= 2;
#else
  (void)w, (void)channels, (void)group, (void)out_c;
  return false;
#endif
}

void depthwise3x3(const Window& w, const float* x, const float* weights, const float* bias,
                  const FusedClip& clip, int64_t batch, int64_t channels, float* y, int threads) {
#if defined(AIMC_FLOAT_ROW_TAPS)
  if (w.stride[2] == 1) {
    run_planes<1>(w, x, weights, bias, clip, batch * channels, channels, y, threads);
  } else {
    run_planes<2>(w, x, weights, bias, clip, batch * channels, channels, y, threads);
  }
#else
  (void)w, (void)x, (void)weights, (void)bias, (void)clip, (void)batch, (void)channels, (void)y,
      (void)threads;
#endif
}

}  // namespace aimc::floatk
