#include "engine/kernels/int8/quantize_rows.h"

#include <algorithm>
#include <cmath>

#include "quant/quantize_ref.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VBMI__)
#include <immintrin.h>
#define AIMC_QUANTIZE_AVX512 1
#endif

namespace aimc::int8k {

void quantize_planes_to_nhwc_scalar(const float* src, int64_t channels, int64_t positions,
                                    float scale, int32_t zero_point, int8_t* dst) {
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t p = 0; p < positions; ++p)
      dst[p * channels + c] = static_cast<int8_t>(
          quant::quantize_value(src[c * positions + p], scale, zero_point, -128, 127));
}

#if defined(AIMC_QUANTIZE_AVX512)
namespace {

constexpr int64_t kLanes = 16;
constexpr int64_t kMaxChannels = 4;  // the per-block staging below (RGB input: 3)

// quantize_value on 16 lanes: the same division (as a multiplication when
// 1 / scale is a power of two: both are then the correctly rounded x / scale,
// and a division costs ten times more), round-to-nearest-even, float add and
// clamp; NaN lanes become the (clamped) zero point.
template <bool kMultiply>
__m128i quantize16(__m512 x, __m512 scale, __m512 zp, __m128i nan_value) {
  const __m512 scaled = kMultiply ? _mm512_mul_ps(x, scale) : _mm512_div_ps(x, scale);
  const __m512 r = _mm512_add_ps(
      _mm512_roundscale_ps(scaled, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), zp);
  const __mmask16 nan = _mm512_cmp_ps_mask(r, r, _CMP_UNORD_Q);
  const __m512 clamped =
      _mm512_min_ps(_mm512_max_ps(r, _mm512_set1_ps(-128.0f)), _mm512_set1_ps(127.0f));
  const __m128i q = _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(clamped));
  return _mm_mask_mov_epi8(q, nan, nan_value);
}

// Whether 1 / scale is exact: scale a (normal) power of two.
bool power_of_two(float scale) {
  int exponent = 0;
  return std::isnormal(scale) && std::frexp(scale, &exponent) == 0.5f &&
         std::isnormal(1.0f / scale);
}

template <bool kMultiply>
void quantize_blocks(const float* src, int64_t channels, int64_t positions, float scale,
                     int32_t zero_point, int8_t* dst) {
  const __m512 vs = _mm512_set1_ps(kMultiply ? 1.0f / scale : scale);
  const __m512 vz = _mm512_set1_ps(static_cast<float>(zero_point));
  const __m128i nan_value = _mm_set1_epi8(static_cast<char>(std::clamp(zero_point, -128, 127)));
  // Byte l * channels + c of a block's output comes from byte c * 16 + l of
  // the four staged channel registers.
  alignas(64) uint8_t order[64] = {};
  for (int64_t l = 0; l < kLanes; ++l)
    for (int64_t c = 0; c < channels; ++c)
      order[l * channels + c] = static_cast<uint8_t>(c * kLanes + l);
  const __m512i perm = _mm512_load_si512(order);
  const auto out_mask = static_cast<__mmask64>(
      channels * kLanes == 64 ? ~uint64_t{0} : (uint64_t{1} << (channels * kLanes)) - 1);
  for (int64_t p = 0; p + kLanes <= positions; p += kLanes) {
    __m128i q[kMaxChannels] = {};
    for (int64_t c = 0; c < channels; ++c)
      q[c] = quantize16<kMultiply>(_mm512_loadu_ps(src + c * positions + p), vs, vz, nan_value);
    const __m512i staged = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_set_m128i(q[1], q[0])),
                                              _mm256_set_m128i(q[3], q[2]), 1);
    _mm512_mask_storeu_epi8(dst + p * channels, out_mask, _mm512_permutexvar_epi8(perm, staged));
  }
}

}  // namespace
#endif

void quantize_planes_to_nhwc(const float* src, int64_t channels, int64_t positions, float scale,
                             int32_t zero_point, int8_t* dst) {
#if defined(AIMC_QUANTIZE_AVX512)
  if (channels <= kMaxChannels) {
    if (power_of_two(scale)) {
      quantize_blocks<true>(src, channels, positions, scale, zero_point, dst);
    } else {
      quantize_blocks<false>(src, channels, positions, scale, zero_point, dst);
    }
    const int64_t whole = positions / kLanes * kLanes;
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t p = whole; p < positions; ++p)
        dst[p * channels + c] = static_cast<int8_t>(
            quant::quantize_value(src[c * positions + p], scale, zero_point, -128, 127));
    return;
  }
#endif
  quantize_planes_to_nhwc_scalar(src, channels, positions, scale, zero_point, dst);
}

}  // namespace aimc::int8k
