#include "noise-models/output_noise.h"

#include <Random123/philox.h>

#include <bit>
#include <cmath>

#include "noise-models/counter_rng.h"

#if defined(__AVX512F__) && defined(__FMA__)
#include <immintrin.h>
#define AIMC_NOISE_SIMD 1
#endif

namespace aimc::noise {
namespace {

using Philox = r123::Philox4x32;
constexpr uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;  // Philox4x32 multipliers
constexpr uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;  // its key increments

// ln(1 + f) - f + f^2/2 over f in [sqrt(1/2) - 1, sqrt(2) - 1] as f^3 * P(f)
// (Cephes' logf coefficients), and ln 2 split in a high part exact in float
// and a low correction.
constexpr float kLogP[9] = {7.0376836292e-2f,  -1.1514610310e-1f, 1.1676998740e-1f,
                            -1.2420140846e-1f, 1.4249322787e-1f,  -1.6668057665e-1f,
                            2.0000714765e-1f,  -2.4999993993e-1f, 3.3333331174e-1f};
constexpr float kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
constexpr float kSqrtHalf = 0.707106781186547524f;
// Taylor coefficients of sin(pi/2 x) / x and cos(pi/2 x) in x^2 (|x| <= 1:
// the truncation error is below 6e-8).
constexpr float kSin[7] = {1.5707963267948966f,    -0.6459640975062462f,   0.07969262624616703f,
                           -0.004681754135318687f, 1.6044118478735982e-4f, -3.5988432352120853e-6f,
                           5.692172921967926e-8f};
constexpr float kCos[8] = {1.0f,
                           -1.2337005501361697f,
                           0.2536695079010480f,
                           -0.020863480763352961f,
                           9.1926027483942659e-4f,
                           -2.5202042373060605e-5f,
                           4.7108747788181715e-7f,
                           -6.3866030837918522e-9f};

}  // namespace

float noise_log(float u) {
  // u = m * 2^e with m in [sqrt(1/2), sqrt(2)).
  const uint32_t bits = std::bit_cast<uint32_t>(u);
  int e = static_cast<int>(bits >> 23) - 127;
  float m = std::bit_cast<float>((bits & 0x007FFFFFu) | 0x3F800000u);
  if (m > 2 * kSqrtHalf) {
    m = m * 0.5f;
    e += 1;
  }
  const float f = m - 1.0f, z = f * f, fe = static_cast<float>(e);
  float p = kLogP[0];
  for (int i = 1; i < 9; ++i) p = std::fma(p, f, kLogP[i]);
  float y = f * z * p;
  y = std::fma(fe, kLn2Lo, y);
  y = std::fma(-0.5f, z, y);
  return std::fma(fe, kLn2Hi, f + y);
}

void noise_sincos_quarter(float f, float& s, float& c) {
  const float x2 = f * f;
  float ps = kSin[6];
  for (int i = 5; i >= 0; --i) ps = std::fma(ps, x2, kSin[i]);
  float pc = kCos[7];
  for (int i = 6; i >= 0; --i) pc = std::fma(pc, x2, kCos[i]);
  s = ps * f;
  c = pc;
}

OutputNoiseRow::OutputNoiseRow(const OutputNoiseKey& k) {
  // The same key derivation as every other stream (counter_rng.cpp): the
  // pixel plays the role of `extra`.
  const Philox rng;
  const Philox::key_type seed_key = {
      {static_cast<uint32_t>(k.seed), static_cast<uint32_t>(k.seed >> 32)}};
  const auto derived = rng(Philox::ctr_type{{0u, k.pixel, 0x6b657921u, 0u}}, seed_key);
  key_[0] = derived[0];
  key_[1] = derived[1];
  ctr_[0] = (k.layer << 12) | (static_cast<uint32_t>(Purpose::kOutputNoise) << 4) | 2u;
  ctr_[1] = k.tile;
  ctr_[2] = k.image;
}

void OutputNoiseRow::block(uint32_t b, uint32_t out[4]) const {
  const Philox rng;
  const auto r =
      rng(Philox::ctr_type{{ctr_[0], ctr_[1], ctr_[2], b}}, Philox::key_type{{key_[0], key_[1]}});
  for (int i = 0; i < 4; ++i) out[i] = r[i];
}

float OutputNoiseRow::normal(uint32_t column) const {
  uint32_t w[4];
  block(column / 64 * 16 + column % 16, w);
  const bool second_pair = column % 64 >= 32, use_sin = column % 32 >= 16;
  const uint32_t wa = w[second_pair ? 2 : 0], wb = w[second_pair ? 3 : 1];
  const float u1 = (static_cast<float>(wa >> 8) + 0.5f) * 0x1p-24f;
  const float radius = std::sqrt(-2.0f * noise_log(u1));
  const uint32_t q = wb >> 30;
  float s, c;
  noise_sincos_quarter(static_cast<float>(wb & 0x3FFFFFFFu) * 0x1p-30f, s, c);
  // (sin, cos) of q * pi/2 + the quarter angle.
  const float sin_a = q == 0 ? s : q == 1 ? c : q == 2 ? -s : -c;
  const float cos_a = q == 0 ? c : q == 1 ? -s : q == 2 ? -c : s;
  return radius * (use_sin ? sin_a : cos_a);
}

#if defined(AIMC_NOISE_SIMD)
namespace {

// (a * m) low and high 32 bits on 16 lanes.
inline void mulhilo(__m512i a, __m512i m, __m512i& lo, __m512i& hi) {
  const __m512i even = _mm512_mul_epu32(a, m);
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);
  lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
  hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
}

__m512 log16(__m512 u) {
  const __m512i bits = _mm512_castps_si512(u);
  __m512i e = _mm512_sub_epi32(_mm512_srli_epi32(bits, 23), _mm512_set1_epi32(127));
  __m512 m = _mm512_castsi512_ps(_mm512_or_si512(
      _mm512_and_si512(bits, _mm512_set1_epi32(0x007FFFFF)), _mm512_set1_epi32(0x3F800000)));
  const __mmask16 big = _mm512_cmp_ps_mask(m, _mm512_set1_ps(2 * kSqrtHalf), _CMP_GT_OQ);
  m = _mm512_mask_mul_ps(m, big, m, _mm512_set1_ps(0.5f));
  e = _mm512_mask_add_epi32(e, big, e, _mm512_set1_epi32(1));
  const __m512 f = _mm512_sub_ps(m, _mm512_set1_ps(1.0f)), z = _mm512_mul_ps(f, f);
  const __m512 fe = _mm512_cvtepi32_ps(e);
  __m512 p = _mm512_set1_ps(kLogP[0]);
  for (int i = 1; i < 9; ++i) p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(kLogP[i]));
  __m512 y = _mm512_mul_ps(_mm512_mul_ps(f, z), p);
  y = _mm512_fmadd_ps(fe, _mm512_set1_ps(kLn2Lo), y);
  y = _mm512_fmadd_ps(_mm512_set1_ps(-0.5f), z, y);
  return _mm512_fmadd_ps(fe, _mm512_set1_ps(kLn2Hi), _mm512_add_ps(f, y));
}

// The two normals of word pair (wa, wb) on 16 lanes: cos (first) and sin.
void box_muller16(__m512i wa, __m512i wb, __m512& zc, __m512& zs) {
  const __m512 u1 = _mm512_mul_ps(
      _mm512_add_ps(_mm512_cvtepu32_ps(_mm512_srli_epi32(wa, 8)), _mm512_set1_ps(0.5f)),
      _mm512_set1_ps(0x1p-24f));
  const __m512 radius = _mm512_sqrt_ps(_mm512_mul_ps(_mm512_set1_ps(-2.0f), log16(u1)));
  const __m512 f =
      _mm512_mul_ps(_mm512_cvtepu32_ps(_mm512_and_si512(wb, _mm512_set1_epi32(0x3FFFFFFF))),
                    _mm512_set1_ps(0x1p-30f));
  const __m512 x2 = _mm512_mul_ps(f, f);
  __m512 ps = _mm512_set1_ps(kSin[6]);
  for (int i = 5; i >= 0; --i) ps = _mm512_fmadd_ps(ps, x2, _mm512_set1_ps(kSin[i]));
  __m512 pc = _mm512_set1_ps(kCos[7]);
  for (int i = 6; i >= 0; --i) pc = _mm512_fmadd_ps(pc, x2, _mm512_set1_ps(kCos[i]));
  const __m512 s = _mm512_mul_ps(ps, f), c = pc;
  const __m512i q = _mm512_srli_epi32(wb, 30);
  const __mmask16 q1 = _mm512_cmpeq_epi32_mask(q, _mm512_set1_epi32(1));
  const __mmask16 q2 = _mm512_cmpeq_epi32_mask(q, _mm512_set1_epi32(2));
  const __mmask16 q3 = _mm512_cmpeq_epi32_mask(q, _mm512_set1_epi32(3));
  const __m512 neg_s = _mm512_sub_ps(_mm512_setzero_ps(), s);
  const __m512 neg_c = _mm512_sub_ps(_mm512_setzero_ps(), c);
  // q: 0 -> (s, c), 1 -> (c, -s), 2 -> (-s, -c), 3 -> (-c, s)
  __m512 sin_a = s, cos_a = c;
  sin_a = _mm512_mask_mov_ps(sin_a, q1, c);
  cos_a = _mm512_mask_mov_ps(cos_a, q1, neg_s);
  sin_a = _mm512_mask_mov_ps(sin_a, q2, neg_s);
  cos_a = _mm512_mask_mov_ps(cos_a, q2, neg_c);
  sin_a = _mm512_mask_mov_ps(sin_a, q3, neg_c);
  cos_a = _mm512_mask_mov_ps(cos_a, q3, s);
  zc = _mm512_mul_ps(radius, cos_a);
  zs = _mm512_mul_ps(radius, sin_a);
}

}  // namespace
#endif

void OutputNoiseRow::normals(uint32_t first, int count, float* z) const {
#if defined(AIMC_NOISE_SIMD)
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  for (int done = 0; done < count; done += 64) {
    const uint32_t column = first + static_cast<uint32_t>(done);
    __m512i c0 = _mm512_set1_epi32(static_cast<int>(ctr_[0]));
    __m512i c1 = _mm512_set1_epi32(static_cast<int>(ctr_[1]));
    __m512i c2 = _mm512_set1_epi32(static_cast<int>(ctr_[2]));
    __m512i c3 = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(column / 64 * 16)), lane);
    uint32_t k0 = key_[0], k1 = key_[1];
    const __m512i m0 = _mm512_set1_epi32(static_cast<int>(kM0));
    const __m512i m1 = _mm512_set1_epi32(static_cast<int>(kM1));
    for (int round = 0; round < 10; ++round) {
      if (round > 0) k0 += kW0, k1 += kW1;
      __m512i lo0, hi0, lo1, hi1;
      mulhilo(c0, m0, lo0, hi0);
      mulhilo(c2, m1, lo1, hi1);
      const __m512i n0 =
          _mm512_xor_si512(_mm512_xor_si512(hi1, c1), _mm512_set1_epi32(static_cast<int>(k0)));
      const __m512i n2 =
          _mm512_xor_si512(_mm512_xor_si512(hi0, c3), _mm512_set1_epi32(static_cast<int>(k1)));
      c0 = n0;
      c1 = lo1;
      c2 = n2;
      c3 = lo0;
    }
    __m512 z0, z1, z2, z3;
    box_muller16(c0, c1, z0, z1);
    box_muller16(c2, c3, z2, z3);
    const int left = count - done;
    const __m512 zs[4] = {z0, z1, z2, z3};
    for (int part = 0; part < 4; ++part) {
      const int n = left - part * 16;
      if (n <= 0) break;
      const auto mask = static_cast<__mmask16>(n >= 16 ? 0xFFFF : (1u << n) - 1);
      _mm512_mask_storeu_ps(z + done + part * 16, mask, zs[part]);
    }
  }
#else
  for (int i = 0; i < count; ++i) z[i] = normal(first + static_cast<uint32_t>(i));
#endif
}

}  // namespace aimc::noise
