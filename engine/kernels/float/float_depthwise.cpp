#include "engine/kernels/float/float_depthwise.h"

#include <algorithm>
#include <vector>

#if defined(__AVX512F__) && defined(__FMA__)
#include <immintrin.h>
#define AIMC_FLOAT_DW_SIMD 1
#endif

namespace aimc::floatk {

#if defined(AIMC_FLOAT_DW_SIMD)
namespace {

constexpr int64_t kLanes = 16;
constexpr int64_t kRows = 4;  // output rows computed together (independent FMA chains)

// Masked loads are slower than plain ones here; most rows need no mask.
inline __m512 load16(__mmask16 m, const float* p) {
  return m == 0xFFFF ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(m, p);
}

// Lanes [first, last) of a 16-lane mask (empty when last <= first).
inline __mmask16 lane_range(int64_t first, int64_t last) {
  first = std::clamp<int64_t>(first, 0, kLanes);
  last = std::clamp<int64_t>(last, 0, kLanes);
  return last <= first ? 0 : static_cast<__mmask16>(((1u << last) - 1) & ~((1u << first) - 1));
}

// The inputs of taps kx = 0, 1, 2 for outputs ox..ox+15 of one input row:
// v[kx] lane l = row[ox * S + l * S + kx - left], 0 outside [0, width) (the
// zero padding; masked lanes are never read).
template <int kStride>
struct RowTaps {
  __mmask16 m[3];  // per load (stride 1: per tap; stride 2: lanes of a, b, c)
  int64_t offset;  // of the first load from the row start

  RowTaps(int64_t ox, int64_t left, int64_t width) : offset(ox * kStride - left) {
    for (int j = 0; j < 3; ++j) {
      const int64_t start = kStride == 1 ? offset + j : offset + j * kLanes;
      m[j] = lane_range(-start, width - start);
    }
    if (kStride == 2) m[2] &= 1;  // of c only x[base + 32] is a tap
  }
  void load(const float* row, bool inside, __m512 v[3]) const {
    const __mmask16 on = inside ? 0xFFFF : 0;
    if constexpr (kStride == 1) {
      for (int kx = 0; kx < 3; ++kx) v[kx] = load16(m[kx] & on, row + offset + kx);
    } else {
      const __m512i even =
          _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
      const __m512i odd =
          _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
      const __m512i next = _mm512_setr_epi32(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
      const __m512 a = load16(m[0] & on, row + offset);
      const __m512 b = load16(m[1] & on, row + offset + kLanes);
      const __m512 c = _mm512_maskz_loadu_ps(m[2] & on, row + offset + 2 * kLanes);
      v[0] = _mm512_permutex2var_ps(a, even, b);
      v[1] = _mm512_permutex2var_ps(a, odd, b);
      v[2] = _mm512_permutex2var_ps(v[0], next, c);
    }
  }
};

// v < lo ? (lo > hi ? hi : lo) : (v > hi ? hi : v), as clip_value; NaN passes.
inline __m512 clip16(__m512 v, const FusedClip& c) {
  if (!c.on) return v;
  const __m512 r = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, _mm512_set1_ps(c.hi), _CMP_GT_OQ), v,
                                        _mm512_set1_ps(c.hi));
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, _mm512_set1_ps(c.lo), _CMP_LT_OQ), r,
                              _mm512_set1_ps(c.lo > c.hi ? c.hi : c.lo));
}

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
#if defined(AIMC_FLOAT_DW_SIMD)
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
#if defined(AIMC_FLOAT_DW_SIMD)
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
