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

// Padded copy of one plane: input row iy at row(iy), zeros around it (pad
// rows and columns, and the rows a last, partial group of kRows output rows
// reads), so every load stays inside. Column ix sits at position
// q = ix + pad_left; for stride 2 each row is stored de-interleaved, even q
// first, then odd q, so the taps of 16 strided outputs are plain loads.
template <int kStride>
struct PaddedPlane {
  int64_t pitch = 0, top = 0;
  std::vector<float> buf, line;

  PaddedPlane(const Window& w, int64_t pitch_floats)
      : pitch(pitch_floats), top(w.pad_begin[1]), line(static_cast<std::size_t>(pitch_floats)) {
    const int64_t rows = (w.out[1] + kRows) * kStride + 3;
    buf.assign(static_cast<std::size_t>(rows * pitch), 0.0f);
  }
  const float* row(int64_t iy) const { return buf.data() + (iy + top) * pitch; }
  void fill(const Window& w, const float* plane) {
    const int64_t ih = w.in[1], iw = w.in[2], left = w.pad_begin[2];
    for (int64_t iy = 0; iy < ih; ++iy) {
      float* dst = buf.data() + (iy + top) * pitch;
      if constexpr (kStride == 1) {
        std::copy(plane + iy * iw, plane + (iy + 1) * iw, dst + left);
      } else {
        std::copy(plane + iy * iw, plane + (iy + 1) * iw, line.data() + left);
        const __m512i even =
            _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        const __m512i odd =
            _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        const int64_t half = pitch / 2;
        for (int64_t q = 0; q < left + iw; q += 2 * kLanes) {
          const __m512 lo = _mm512_loadu_ps(line.data() + q);
          const __m512 hi = _mm512_loadu_ps(line.data() + q + kLanes);
          _mm512_storeu_ps(dst + q / 2, _mm512_permutex2var_ps(lo, even, hi));
          _mm512_storeu_ps(dst + half + q / 2, _mm512_permutex2var_ps(lo, odd, hi));
        }
      }
    }
  }
  // The 16 inputs of tap kx for outputs ox..ox+15 of a row.
  static __m512 taps_at(const float* r, int64_t half, int64_t ox, int kx) {
    if constexpr (kStride == 1) return _mm512_loadu_ps(r + ox + kx);
    return _mm512_loadu_ps(r + (kx == 1 ? half : 0) + ox + (kx == 2 ? 1 : 0));
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

// Output rows oy0..oy0+kRows-1 read input rows (oy0 * S - pad) + i, i < (kRows-1)*S + 3.
// Each input row's three tap vectors are loaded once and feed every output
// row that uses it; an output row still receives its taps in (ky, kx) order.
template <int kStride>
void plane3x3(const Window& w, const PaddedPlane<kStride>& in, const float* wt, float bias,
              const FusedClip& clip, float* out) {
  constexpr int kInRows = (kRows - 1) * kStride + 3;
  const int64_t oh = w.out[1], ow = w.out[2], half = in.pitch / 2;
  __m512 taps[9];
  for (int t = 0; t < 9; ++t) taps[t] = _mm512_set1_ps(wt[t]);
  const __m512 b = _mm512_set1_ps(bias);
  for (int64_t oy0 = 0; oy0 < oh; oy0 += kRows) {
    const int64_t rows = std::min(kRows, oh - oy0);
    const float* first = in.row(oy0 * kStride - w.pad_begin[1]);
    for (int64_t ox = 0; ox < ow; ox += kLanes) {
      __m512 acc[kRows];
      for (auto& a : acc) a = _mm512_setzero_ps();
#pragma GCC unroll 16
      for (int i = 0; i < kInRows; ++i) {
        const float* r = first + i * in.pitch;
#pragma GCC unroll 3
        for (int kx = 0; kx < 3; ++kx) {
          const __m512 v = PaddedPlane<kStride>::taps_at(r, half, ox, kx);
#pragma GCC unroll 4
          for (int o = 0; o < kRows; ++o) {
            const int ky = i - o * kStride;
            if (ky >= 0 && ky < 3) acc[o] = _mm512_fmadd_ps(taps[ky * 3 + kx], v, acc[o]);
          }
        }
      }
      const auto lanes = static_cast<__mmask16>((1u << std::min(kLanes, ow - ox)) - 1);
      for (int64_t r = 0; r < rows; ++r) {
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
  // Positions read by the last vector of a row: up to (ow + 16) * S + 2, and
  // the stride-2 de-interleave works on whole 32-float chunks.
  const int64_t pitch = ((w.out[2] + 2 * kLanes) * kStride + 4 * kLanes) / (2 * kLanes) * 2 * kLanes;
#pragma omp parallel num_threads(threads)
  {
    PaddedPlane<kStride> in(w, pitch);
#pragma omp for schedule(static)
    for (int64_t t = 0; t < planes; ++t) {
      const int64_t c = t % channels;
      in.fill(w, x + t * in_plane);
      plane3x3<kStride>(w, in, weights + c * 9, bias ? bias[c] : 0.0f, clip, y + t * out_plane);
    }
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
