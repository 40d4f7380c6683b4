#include "engine/kernels/float/float_depthwise.h"

#include <vector>

#if defined(__AVX512F__) && defined(__FMA__)
#include <immintrin.h>
#define AIMC_FLOAT_DW_SIMD 1
#endif

namespace aimc::floatk {

bool depthwise3x3_supported(const Window& w, int64_t channels, int64_t group, int64_t out_c) {
#if defined(AIMC_FLOAT_DW_SIMD)
  return w.in[0] == 1 && w.kernel == std::array<int64_t, 3>{1, 3, 3} &&
         w.dilation == std::array<int64_t, 3>{1, 1, 1} && group == channels && out_c == channels &&
         channels % 16 == 0;
#else
  (void)w, (void)channels, (void)group, (void)out_c;
  return false;
#endif
}

void depthwise3x3(const Window& w, const float* x, const float* weights, const float* bias,
                  int64_t batch, int64_t channels, float* y, int threads) {
#if defined(AIMC_FLOAT_DW_SIMD)
  const int64_t ih = w.in[1], iw = w.in[2], oh = w.out[1], ow = w.out[2];
  const int64_t c = channels;
  // Taps as [9][C], so a tap's weights for 16 channels are one load.
  std::vector<float> taps(9 * c);
  for (int64_t ch = 0; ch < c; ++ch)
    for (int t = 0; t < 9; ++t) taps[t * c + ch] = weights[ch * 9 + t];
  // One image at a time as HWC, so 16 channels of a pixel are one load (a
  // per-image copy keeps the extra memory to one input plane set).
  std::vector<float> xt(static_cast<std::size_t>(ih * iw * c));
#pragma omp parallel num_threads(threads)
  {
    std::vector<float> tile(static_cast<std::size_t>(ow * c));  // one output row, [OW][C]
    for (int64_t n = 0; n < batch; ++n) {
#pragma omp for schedule(static)
      for (int64_t yy = 0; yy < ih; ++yy) {
        for (int64_t ch = 0; ch < c; ++ch) {
          const float* src = x + ((n * c + ch) * ih + yy) * iw;
          float* dst = xt.data() + yy * iw * c + ch;
          for (int64_t xx = 0; xx < iw; ++xx) dst[xx * c] = src[xx];
        }
      }
#pragma omp for schedule(static)
      for (int64_t oy = 0; oy < oh; ++oy) {
        for (int64_t ch = 0; ch < c; ch += 16) {
          __m512 wv[9];
          for (int t = 0; t < 9; ++t) wv[t] = _mm512_loadu_ps(taps.data() + t * c + ch);
          const __m512 b = bias ? _mm512_loadu_ps(bias + ch) : _mm512_setzero_ps();
          for (int64_t ox = 0; ox < ow; ++ox) {
            __m512 acc = _mm512_setzero_ps();
            for (int ky = 0; ky < 3; ++ky) {
              const int64_t iy = oy * w.stride[1] - w.pad_begin[1] + ky;
              if (iy < 0 || iy >= ih) continue;
              const float* src_row = xt.data() + iy * iw * c + ch;
              for (int kx = 0; kx < 3; ++kx) {
                const int64_t ix = ox * w.stride[2] - w.pad_begin[2] + kx;
                if (ix < 0 || ix >= iw) continue;
                acc = _mm512_fmadd_ps(wv[ky * 3 + kx], _mm512_loadu_ps(src_row + ix * c), acc);
              }
            }
            _mm512_storeu_ps(tile.data() + ox * c + ch, _mm512_add_ps(acc, b));
          }
        }
        for (int64_t ch = 0; ch < c; ++ch) {
          float* dst = y + ((n * c + ch) * oh + oy) * ow;
          for (int64_t ox = 0; ox < ow; ++ox) dst[ox] = tile[ox * c + ch];
        }
      }
    }
  }
#else
  (void)w, (void)x, (void)weights, (void)bias, (void)batch, (void)channels, (void)y, (void)threads;
#endif
}

}  // namespace aimc::floatk
