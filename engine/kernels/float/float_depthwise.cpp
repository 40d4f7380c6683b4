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

// Padded copy of one plane: input row iy at row(iy), column ix at offset
// ix + pad_left; zeros around it (pad rows and columns, and the rows a last,
// partial group of kRows output rows reads), so every load stays inside.
struct PaddedPlane {
  int64_t pitch = 0, top = 0;
  std::vector<float> buf;

  PaddedPlane(const Window& w, int64_t pitch_floats) : pitch(pitch_floats), top(w.pad_begin[1]) {
    const int64_t rows = (w.out[1] + kRows) * w.stride[1] + 3;
    buf.assign(static_cast<std::size_t>(rows * pitch), 0.0f);
  }
  const float* row(int64_t iy) const { return buf.data() + (iy + top) * pitch; }
  void fill(const Window& w, const float* plane) {
    const int64_t ih = w.in[1], iw = w.in[2], left = w.pad_begin[2];
    for (int64_t iy = 0; iy < ih; ++iy)
      std::copy(plane + iy * iw, plane + (iy + 1) * iw, buf.data() + (iy + top) * pitch + left);
  }
};

// Lanes 0..15 take the even floats of the 32 at p (stride-2 columns).
inline __m512 load_even(const float* p) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  return _mm512_permutex2var_ps(_mm512_loadu_ps(p), even, _mm512_loadu_ps(p + 16));
}

// v < lo ? (lo > hi ? hi : lo) : (v > hi ? hi : v), as clip_value; NaN passes.
inline __m512 clip16(__m512 v, const FusedClip& c) {
  if (!c.on) return v;
  const __m512 r = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, _mm512_set1_ps(c.hi), _CMP_GT_OQ), v,
                                        _mm512_set1_ps(c.hi));
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, _mm512_set1_ps(c.lo), _CMP_LT_OQ), r,
                              _mm512_set1_ps(c.lo > c.hi ? c.hi : c.lo));
}

template <int kStride>
void plane3x3(const Window& w, const PaddedPlane& in, const float* wt, float bias,
              const FusedClip& clip, float* out) {
  const int64_t oh = w.out[1], ow = w.out[2], sy = w.stride[1];
  __m512 taps[9];
  for (int t = 0; t < 9; ++t) taps[t] = _mm512_set1_ps(wt[t]);
  const __m512 b = _mm512_set1_ps(bias);
  for (int64_t oy0 = 0; oy0 < oh; oy0 += kRows) {
    const int64_t rows = std::min(kRows, oh - oy0);
    for (int64_t ox = 0; ox < ow; ox += kLanes) {
      __m512 acc[kRows];
      for (auto& a : acc) a = _mm512_setzero_ps();
      for (int ky = 0; ky < 3; ++ky) {
        for (int kx = 0; kx < 3; ++kx) {
          for (int64_t r = 0; r < kRows; ++r) {
            const float* p = in.row((oy0 + r) * sy - w.pad_begin[1] + ky) + ox * kStride + kx;
            const __m512 v = kStride == 1 ? _mm512_loadu_ps(p) : load_even(p);
            acc[r] = _mm512_fmadd_ps(taps[ky * 3 + kx], v, acc[r]);
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

}  // namespace
#endif

bool depthwise3x3_supported(const Window& w, int64_t channels, int64_t group, int64_t out_c) {
#if defined(AIMC_FLOAT_DW_SIMD)
  return w.in[0] == 1 && w.kernel == std::array<int64_t, 3>{1, 3, 3} &&
         w.dilation == std::array<int64_t, 3>{1, 1, 1} && group == channels && out_c == channels &&
         (w.stride[2] == 1 || w.stride[2] == 2) && w.pad_begin[2] <= 2 && w.pad_end[2] <= 2;
#else
  (void)w, (void)channels, (void)group, (void)out_c;
  return false;
#endif
}

void depthwise3x3(const Window& w, const float* x, const float* weights, const float* bias,
                  const FusedClip& clip, int64_t batch, int64_t channels, float* y, int threads) {
#if defined(AIMC_FLOAT_DW_SIMD)
  const int64_t planes = batch * channels, in_plane = w.in[1] * w.in[2];
  const int64_t out_plane = w.out[1] * w.out[2];
  const int64_t s = w.stride[2];
  // Columns read by the last vector of a row: ox + 15 taps at (ox+15)*s + 2,
  // plus 16 more for the stride-2 pair load.
  const int64_t pitch = (w.out[2] + kLanes) * s + 2 * kLanes;
#pragma omp parallel num_threads(threads)
  {
    PaddedPlane in(w, pitch);
#pragma omp for schedule(static)
    for (int64_t t = 0; t < planes; ++t) {
      const int64_t c = t % channels;
      in.fill(w, x + t * in_plane);
      const float b = bias ? bias[c] : 0.0f;
      if (s == 1) {
        plane3x3<1>(w, in, weights + c * 9, b, clip, y + t * out_plane);
      } else {
        plane3x3<2>(w, in, weights + c * 9, b, clip, y + t * out_plane);
      }
    }
  }
#else
  (void)w, (void)x, (void)weights, (void)bias, (void)clip, (void)batch, (void)channels, (void)y,
      (void)threads;
#endif
}

}  // namespace aimc::floatk
