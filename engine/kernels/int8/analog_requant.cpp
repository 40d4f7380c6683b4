#include "engine/kernels/int8/analog_requant.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "quant/converters.h"

namespace aimc::int8k {

TiledLayer::Emit requantizing_emit(const ChannelRequant& requant, int channels, int8_t* out) {
  return [&requant, channels, out](int64_t first, int count, const double* acc) {
    constexpr double lo = std::numeric_limits<int32_t>::min(),
                     hi = std::numeric_limits<int32_t>::max();
    std::vector<int32_t> row(channels);
    for (int p = 0; p < count; ++p) {
      const double* a = acc + std::size_t(p) * channels;
      int32_t* r = row.data();
      int c = 0;
#if defined(__AVX512F__)
      // The scalar expression below on eight lanes: the same IEEE steps.
      const __m512d vlo = _mm512_set1_pd(lo), vhi = _mm512_set1_pd(hi);
      const __m512d nudge = _mm512_set1_pd(0.49999999999999994);
      const __m512i sign = _mm512_set1_epi64(INT64_MIN);
      for (; c + 8 <= channels; c += 8) {
        const __m512d v = _mm512_min_pd(_mm512_max_pd(_mm512_loadu_pd(a + c), vlo), vhi);
        const __m512d s = _mm512_castsi512_pd(_mm512_or_si512(
            _mm512_and_si512(_mm512_castpd_si512(v), sign), _mm512_castpd_si512(nudge)));
        const __m512d t =
            _mm512_roundscale_pd(_mm512_add_pd(v, s), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(r + c), _mm512_cvttpd_epi32(t));
      }
#endif
      for (; c < channels; ++c)
        r[c] = static_cast<int32_t>(quant::round_half_away(std::clamp(a[c], lo, hi)));
      requantize_row(requant, row.data(), channels, out + (first + p) * channels);
    }
  };
}

}  // namespace aimc::int8k
