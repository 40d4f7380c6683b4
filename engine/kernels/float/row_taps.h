#pragma once
// AVX-512 helpers shared by the float 3x3 kernels that vectorize along output
// columns (depthwise, few-channel direct conv): the three taps of 16 outputs
// of an input row, read in place with the zero padding as masked-off lanes.
#if defined(__AVX512F__) && defined(__FMA__)
#include <immintrin.h>

#include <algorithm>
#include <cstdint>

#include "engine/kernels/float/float_common.h"

#define AIMC_FLOAT_ROW_TAPS 1

namespace aimc::floatk::rowtaps {

inline constexpr int64_t kLanes = 16;

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
// As min(hi, max(lo, v)): two instructions instead of two compares and two
// blends, and the same result for every input, since max and min return
// their second operand when either is NaN or both are zeros: a NaN v (or a
// NaN bound) passes through, -0 and +0 keep v's sign as the compares do, and
// lo > hi gives hi.
inline __m512 clip16(__m512 v, const FusedClip& c) {
  if (!c.on) return v;
  return _mm512_maskz_min_ps(0xFFFF, _mm512_set1_ps(c.hi),
                             _mm512_maskz_max_ps(0xFFFF, _mm512_set1_ps(c.lo), v));
}

}  // namespace aimc::floatk::rowtaps
#endif
