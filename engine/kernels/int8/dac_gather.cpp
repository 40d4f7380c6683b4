#include "engine/kernels/int8/dac_gather.h"

#include <bit>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace aimc::int8k {

DacTable::DacTable(const std::array<float, 256>& table, int32_t zero_point)
    : table_(table), zero_point_(zero_point), is_offset_(true) {
  for (int b = 0; b < 256; ++b) {
    const float offset = static_cast<float>(int32_t{static_cast<int8_t>(b)} - zero_point);
    is_offset_ = is_offset_ && std::bit_cast<uint32_t>(offset) == std::bit_cast<uint32_t>(table[b]);
  }
}

void dac_convert_scalar(const DacTable& dac, const int8_t* src, std::size_t n, float* dst) {
  for (std::size_t i = 0; i < n; ++i) dst[i] = dac(src[i]);
}

void DacTable::convert(const int8_t* src, std::size_t n, float* dst) const {
  std::size_t i = 0;
#if defined(__AVX512F__)
  // 16 bytes per step: sign-extend and subtract (exact in int32 and float),
  // or gather from the table. The all-lanes masked forms keep GCC 12 from
  // warning about the unmasked ones' undefined pass-through operand.
  const __m512i zp = _mm512_set1_epi32(zero_point_);
  const __mmask16 all = 0xFFFF;
  for (; i + 16 <= n; i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    const __m512 v = is_offset_
                         ? _mm512_maskz_cvtepi32_ps(
                               all, _mm512_sub_epi32(_mm512_maskz_cvtepi8_epi32(all, bytes), zp))
                         : _mm512_mask_i32gather_ps(_mm512_setzero_ps(), all,
                                                    _mm512_maskz_cvtepu8_epi32(all, bytes),
                                                    table_.data(), sizeof(float));
    _mm512_storeu_ps(dst + i, v);
  }
#endif
  dac_convert_scalar(*this, src + i, n - i, dst + i);
}

}  // namespace aimc::int8k
