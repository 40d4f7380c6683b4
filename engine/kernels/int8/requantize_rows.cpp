#include "engine/kernels/int8/requantize_rows.h"

#include <algorithm>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace aimc::int8k {

ChannelRequant make_channel_requant(const std::vector<quant::QuantizedMultiplier>& per_channel,
                                    int32_t output_zero_point, quant::ActivationRange range) {
  ChannelRequant q;
  for (const auto& m : per_channel) {
    q.multiplier.push_back(m.multiplier);
    q.left_shift.push_back(m.shift > 0 ? m.shift : 0);
    q.right_shift.push_back(m.shift > 0 ? 0 : -m.shift);
    q.simd_exact = q.simd_exact && m.multiplier != INT32_MIN;
  }
  q.offset.assign(per_channel.size(), 0);
  // Padded to whole 16-lane blocks, so masked tail loads stay in bounds.
  const std::size_t padded = (per_channel.size() + 15) / 16 * 16;
  q.multiplier_swapped.assign(padded, 0);
  q.nudge_positive.assign(padded, 0);
  q.nudge_negative.assign(padded, 0);
  for (std::size_t c = 0; c < per_channel.size(); ++c) {
    if ((c ^ 1) < per_channel.size()) q.multiplier_swapped[c] = q.multiplier[c ^ 1];
    const int32_t e = q.right_shift[c];
    q.nudge_positive[c] = e > 0 ? int32_t{1} << (e - 1) : 0;
    q.nudge_negative[c] = e > 0 ? (int32_t{1} << (e - 1)) - 1 : 0;
    q.any_left_shift = q.any_left_shift || q.left_shift[c] != 0;
  }
  q.output_zero_point = output_zero_point;
  q.range = range;
  return q;
}

void requantize_row_scalar(const ChannelRequant& q, const int32_t* acc, int first, int channels,
                           int8_t* out) {
  for (int c = first; c < channels; ++c) {
    const quant::QuantizedMultiplier m{q.multiplier[c], q.left_shift[c] - q.right_shift[c]};
    const int32_t v =
        quant::multiply_by_quantized_multiplier(acc[c] + q.offset[c], m) + q.output_zero_point;
    out[c] = static_cast<int8_t>(std::clamp(v, q.range.min, q.range.max));
  }
}

#if defined(__AVX2__)
namespace {

#if !(defined(__AVX512F__) && defined(__AVX512BW__))
// gemmlowp::SaturatingRoundingDoublingHighMul on 8 lanes: (a*b + nudge) / 2^31
// with truncating division, saturating INT32_MIN * INT32_MIN.
__m256i srdhm(__m256i a, __m256i b) {
  const __m256i overflow = _mm256_and_si256(_mm256_cmpeq_epi32(a, b),
                                            _mm256_cmpeq_epi32(a, _mm256_set1_epi32(INT32_MIN)));
  auto half = [&](__m256i x, __m256i y) {
    const __m256i prod = _mm256_mul_epi32(x, y);  // lanes 0,2,4,6 as int64
    const __m256i neg = _mm256_cmpgt_epi64(_mm256_setzero_si256(), prod);
    const __m256i nudge =
        _mm256_blendv_epi8(_mm256_set1_epi64x(1ll << 30), _mm256_set1_epi64x(1 - (1ll << 30)), neg);
    __m256i sum = _mm256_add_epi64(prod, nudge);
    // Truncating division by 2^31: add 2^31 - 1 to negatives, then shift.
    sum = _mm256_add_epi64(sum, _mm256_and_si256(neg, _mm256_set1_epi64x((1ll << 31) - 1)));
    // Arithmetic 64-bit shift by 31: the low 32 bits of the result are
    // bits 31..62 of sum, which a logical shift gives as well.
    return _mm256_srli_epi64(sum, 31);
  };
  const __m256i even = half(a, b);
  const __m256i odd = half(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32));
  const __m256i r = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  return _mm256_blendv_epi8(r, _mm256_set1_epi32(INT32_MAX), overflow);
}

// gemmlowp::RoundingDivideByPOT with a per-lane exponent.
__m256i rounding_divide_by_pot(__m256i x, __m256i exponent) {
  const __m256i one = _mm256_set1_epi32(1);
  const __m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, exponent), one);
  const __m256i remainder = _mm256_and_si256(x, mask);
  const __m256i negative = _mm256_cmpgt_epi32(_mm256_setzero_si256(), x);
  const __m256i threshold = _mm256_sub_epi32(_mm256_srai_epi32(mask, 1), negative);
  const __m256i round_up = _mm256_cmpgt_epi32(remainder, threshold);
  return _mm256_sub_epi32(_mm256_srav_epi32(x, exponent), round_up);
}
#endif

#if defined(__AVX512F__) && defined(__AVX512BW__)
// The same arithmetic on 16 lanes; a masked store writes the tail, so every
// channel count takes this path.
// SaturatingRoundingDoublingHighMul for multipliers that are not INT32_MIN
// (quantize_multiplier's are in [2^30, 2^31)): the nudged truncating division
// (p + nudge) / 2^31 equals floor((p + 2^30) / 2^31) for either sign of p,
// which is one add and one shift of the 64-bit product.
// b_swapped holds each lane's neighbour's multiplier, so the odd lanes'
// products need no shift of b; a masked in-lane shuffle puts the odd results
// beside the even ones.
__m512i srdhm16(__m512i a, __m512i b, __m512i b_swapped) {
  const __m512i half = _mm512_set1_epi64(1ll << 30);
  const __m512i even = _mm512_srli_epi64(_mm512_add_epi64(_mm512_mul_epi32(a, b), half), 31);
  const __m512i odd = _mm512_srli_epi64(
      _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(a, 32), b_swapped), half), 31);
  return _mm512_mask_shuffle_epi32(even, 0xAAAA, odd, _MM_PERM_CDAB);
}

__m512i rounding_divide_by_pot16(__m512i x, __m512i exponent) {
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, exponent), one);
  const __m512i remainder = _mm512_and_si512(x, mask);
  const __mmask16 negative = _mm512_cmplt_epi32_mask(x, _mm512_setzero_si512());
  const __m512i threshold =
      _mm512_mask_add_epi32(_mm512_srai_epi32(mask, 1), negative, _mm512_srai_epi32(mask, 1), one);
  const __mmask16 round_up = _mm512_cmpgt_epi32_mask(remainder, threshold);
  return _mm512_mask_add_epi32(_mm512_srav_epi32(x, exponent), round_up,
                               _mm512_srav_epi32(x, exponent), one);
}

// The same rounding as one add and one shift: floor((x + 2^(e−1)) / 2^e) for
// x ≥ 0, floor((x + 2^(e−1) − 1) / 2^e) for x < 0 (round half away from
// zero). Falls back to the form above where x + 2^(e−1) would overflow.
__m512i rounding_divide_by_pot16_nudged(__m512i x, __m512i exponent, __m512i nudge_positive,
                                        __m512i nudge_negative) {
  const __mmask16 overflow =
      _mm512_cmpgt_epi32_mask(x, _mm512_sub_epi32(_mm512_set1_epi32(INT32_MAX), nudge_positive));
  if (overflow) return rounding_divide_by_pot16(x, exponent);
  const __mmask16 negative = _mm512_cmplt_epi32_mask(x, _mm512_setzero_si512());
  const __m512i nudge = _mm512_mask_blend_epi32(negative, nudge_positive, nudge_negative);
  return _mm512_srav_epi32(_mm512_add_epi32(x, nudge), exponent);
}
#endif

}  // namespace

void requantize_rows(const ChannelRequant& q, const int32_t* acc, int64_t acc_stride, int64_t rows,
                     int channels, int8_t* out) {
#if defined(__AVX512F__) && defined(__AVX512BW__)
  if (!q.simd_exact) {
    for (int64_t r = 0; r < rows; ++r)
      requantize_row_scalar(q, acc + r * acc_stride, 0, channels, out + r * channels);
    return;
  }
  const __m512i zp = _mm512_set1_epi32(q.output_zero_point);
  const __m512i lo = _mm512_set1_epi32(q.range.min);
  const __m512i hi = _mm512_set1_epi32(q.range.max);
  const bool shift_left = q.any_left_shift;
  for (int c = 0; c < channels; c += 16) {
    const bool full = channels - c >= 16;
    const __mmask16 lanes = full ? __mmask16(0xFFFF) : __mmask16((1u << (channels - c)) - 1);
    auto load = [&](const int32_t* p) { return _mm512_maskz_loadu_epi32(lanes, p + c); };
    const __m512i offset = load(q.offset.data()), left = load(q.left_shift.data());
    const __m512i mult = load(q.multiplier.data()),
                  mult_swapped = load(q.multiplier_swapped.data());
    const __m512i right = load(q.right_shift.data());
    const __m512i nudge_pos = load(q.nudge_positive.data()),
                  nudge_neg = load(q.nudge_negative.data());
    // Local pointers: stores through `out` (int8) may alias anything.
    const int32_t* a = acc + c;
    int8_t* o = out + c;
    for (int64_t r = 0; r < rows; ++r, a += acc_stride, o += channels) {
      __m512i v = _mm512_add_epi32(_mm512_maskz_loadu_epi32(lanes, a), offset);
      if (shift_left) v = _mm512_sllv_epi32(v, left);
      v = srdhm16(v, mult, mult_swapped);
      v = rounding_divide_by_pot16_nudged(v, right, nudge_pos, nudge_neg);
      v = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(v, zp), lo), hi);
      // In int8 range, so truncation is exact. Narrow in a register, then
      // store: the memory form of vpmovdb is slow on some cores.
      const __m128i bytes = _mm512_cvtepi32_epi8(v);
      if (full)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(o), bytes);
      else
        _mm_mask_storeu_epi8(o, lanes, bytes);
    }
  }
#else
  for (int64_t r = 0; r < rows; ++r)
    requantize_row(q, acc + r * acc_stride, channels, out + r * channels);
#endif
}

void requantize_row(const ChannelRequant& q, const int32_t* acc, int channels, int8_t* out) {
#if defined(__AVX512F__) && defined(__AVX512BW__)
  requantize_rows(q, acc, channels, 1, channels, out);
#else
  const __m256i zp = _mm256_set1_epi32(q.output_zero_point);
  const __m256i lo = _mm256_set1_epi32(q.range.min);
  const __m256i hi = _mm256_set1_epi32(q.range.max);
  int c = 0;
  for (; c + 8 <= channels; c += 8) {
    auto load = [&](const int32_t* p) {
      return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + c));
    };
    __m256i v = _mm256_add_epi32(load(acc), load(q.offset.data()));
    v = _mm256_sllv_epi32(v, load(q.left_shift.data()));
    v = srdhm(v, load(q.multiplier.data()));
    v = rounding_divide_by_pot(v, load(q.right_shift.data()));
    v = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(v, zp), lo), hi);
    alignas(32) int32_t lanes[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), v);
    for (int k = 0; k < 8; ++k) out[c + k] = static_cast<int8_t>(lanes[k]);
  }
  requantize_row_scalar(q, acc, c, channels, out);
#endif
}
#else
void requantize_row(const ChannelRequant& q, const int32_t* acc, int channels, int8_t* out) {
  requantize_row_scalar(q, acc, 0, channels, out);
}
void requantize_rows(const ChannelRequant& q, const int32_t* acc, int64_t acc_stride, int64_t rows,
                     int channels, int8_t* out) {
  for (int64_t r = 0; r < rows; ++r)
    requantize_row_scalar(q, acc + r * acc_stride, 0, channels, out + r * channels);
}
#endif

}  // namespace aimc::int8k
