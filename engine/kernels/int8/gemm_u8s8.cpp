#include "engine/kernels/int8/gemm_u8s8.h"

#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
// The SIMD kernels carry their instruction sets as function attributes, so
// they are compiled whatever the build's -march, and the CPU they run on
// picks one (best_gemm_isa) at run time.
#define AIMC_GEMM_X86 1
#define AIMC_TARGET_VNNI __attribute__((target("avx512f,avx512bw,avx512vnni")))
#define AIMC_TARGET_AVX2 __attribute__((target("avx2")))
#endif

namespace aimc::int8k {
namespace {

constexpr int kColumns = 16;  // int32 lanes of a zmm register
inline int8_t packed_at(const PackedB& b, int k, int n) {
  const int block = n / kColumns, col = n % kColumns;
  return b.data[((std::size_t(block) * (b.k_padded / 4) + k / 4) * kColumns + col) * 4 + k % 4];
}

}  // namespace

PackedB pack_b(const int8_t* b_nk, int k, int n) {
  PackedB b;
  b.k = k;
  b.n = n;
  b.k_padded = (k + 3) / 4 * 4;
  b.n_padded = (n + kColumns - 1) / kColumns * kColumns;
  b.data.assign(std::size_t(b.k_padded) * b.n_padded, 0);
  b.column_sums.assign(n, 0);
  for (int col = 0; col < n; ++col) {
    for (int kk = 0; kk < k; ++kk) {
      const int8_t w = b_nk[std::size_t(col) * k + kk];
      const int block = col / kColumns, lane = col % kColumns;
      b.data[((std::size_t(block) * (b.k_padded / 4) + kk / 4) * kColumns + lane) * 4 + kk % 4] = w;
      b.column_sums[col] += w;
    }
  }
  return b;
}

void gemm_u8s8_scalar(const uint8_t* a, int rows, int lda, const PackedB& b, int32_t* c, int ldc,
                      bool a_is_int8) {
  const uint8_t flip = a_is_int8 ? 0x80 : 0;
  for (int m = 0; m < rows; ++m) {
    for (int n = 0; n < b.n_padded; ++n) {
      int32_t acc = 0;
      for (int k = 0; k < b.k_padded; ++k)
        acc +=
            int32_t{static_cast<uint8_t>(a[std::size_t(m) * lda + k] ^ flip)} * packed_at(b, k, n);
      c[std::size_t(m) * ldc + n] = acc;
    }
  }
}

#if defined(AIMC_GEMM_X86)
namespace {

// An MR x (16*NB) tile: MR rows of A broadcast 4 bytes at a time against NB
// column blocks of B; MR*NB accumulators stay in registers.
template <int MR, int NB>
AIMC_TARGET_VNNI void tile_vnni(const uint8_t* a, int lda, const PackedB& b, int block0, int32_t* c,
                                int ldc, uint32_t flip) {
  __m512i acc[MR][NB];
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NB; ++j) acc[i][j] = _mm512_setzero_si512();
  const int quads = b.k_padded / 4;
  const int8_t* bp[NB];
  for (int j = 0; j < NB; ++j) bp[j] = b.data.data() + std::size_t(block0 + j) * quads * 64;
  for (int q = 0; q < quads; ++q) {
    __m512i w[NB];
    for (int j = 0; j < NB; ++j) w[j] = _mm512_loadu_si512(bp[j] + std::size_t(q) * 64);
    for (int i = 0; i < MR; ++i) {
      int32_t quad;
      std::memcpy(&quad, a + std::size_t(i) * lda + q * 4, 4);
      const __m512i x = _mm512_set1_epi32(quad ^ static_cast<int32_t>(flip));
      for (int j = 0; j < NB; ++j) acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], x, w[j]);
    }
  }
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NB; ++j)
      _mm512_storeu_si512(c + std::size_t(i) * ldc + (block0 + j) * kColumns, acc[i][j]);
}

template <int MR>
AIMC_TARGET_VNNI void row_panel_vnni(const uint8_t* a, int lda, const PackedB& b, int32_t* c,
                                     int ldc, uint32_t flip) {
  const int blocks = b.n_padded / kColumns;
  int j = 0;
  for (; j + 4 <= blocks; j += 4) tile_vnni<MR, 4>(a, lda, b, j, c, ldc, flip);
  if (blocks - j >= 2) {
    tile_vnni<MR, 2>(a, lda, b, j, c, ldc, flip);
    j += 2;
  }
  for (; j < blocks; ++j) tile_vnni<MR, 1>(a, lda, b, j, c, ldc, flip);
}

AIMC_TARGET_VNNI void gemm_vnni(const uint8_t* a, int rows, int lda, const PackedB& b, int32_t* c,
                                int ldc, uint32_t flip) {
  int m = 0;
  for (; m + 6 <= rows; m += 6)
    row_panel_vnni<6>(a + std::size_t(m) * lda, lda, b, c + std::size_t(m) * ldc, ldc, flip);
  for (; m < rows; ++m)
    row_panel_vnni<1>(a + std::size_t(m) * lda, lda, b, c + std::size_t(m) * ldc, ldc, flip);
}

// AVX2 has no u8 x s8 dot product that cannot saturate (vpmaddubsw clips at
// int16), so both sides widen to int16 and vpmaddwd sums pairs exactly into
// int32. One 16-byte quad group of B (4 columns x 4 k) becomes 16 int16;
// against A's 4 bytes repeated, each column gets two partial sums (k0k1 and
// k2k3) in neighbouring lanes, added at the end.
AIMC_TARGET_AVX2 void row_avx2(const uint8_t* a, const PackedB& b, int32_t* c, uint32_t flip) {
  const int quads = b.k_padded / 4, blocks = b.n_padded / kColumns;
  for (int block = 0; block < blocks; ++block) {
    const int8_t* bp = b.data.data() + std::size_t(block) * quads * 64;
    __m256i acc[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(),
                      _mm256_setzero_si256()};
    for (int q = 0; q < quads; ++q) {
      int32_t quad;
      std::memcpy(&quad, a + q * 4, 4);
      const __m256i x = _mm256_cvtepu8_epi16(
          _mm_set1_epi32(static_cast<int32_t>(quad ^ static_cast<int32_t>(flip))));
      for (int part = 0; part < 4; ++part) {
        const __m128i w8 =
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(bp + std::size_t(q) * 64 + part * 16));
        acc[part] = _mm256_add_epi32(acc[part], _mm256_madd_epi16(x, _mm256_cvtepi8_epi16(w8)));
      }
    }
    // acc[part] lanes (2i, 2i+1) are column 4*part + i's two partial sums.
    for (int part = 0; part < 4; ++part) {
      alignas(32) int32_t lanes[8];
      _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), acc[part]);
      for (int i = 0; i < 4; ++i)
        c[block * kColumns + part * 4 + i] = lanes[2 * i] + lanes[2 * i + 1];
    }
  }
}

AIMC_TARGET_AVX2 void gemm_avx2(const uint8_t* a, int rows, int lda, const PackedB& b, int32_t* c,
                                int ldc, uint32_t flip) {
  for (int m = 0; m < rows; ++m)
    row_avx2(a + std::size_t(m) * lda, b, c + std::size_t(m) * ldc, flip);
}

}  // namespace
#endif

GemmIsa best_gemm_isa() {
#if defined(AIMC_GEMM_X86)
  static const GemmIsa best = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vnni"))
      return GemmIsa::kAvx512Vnni;
    if (__builtin_cpu_supports("avx2")) return GemmIsa::kAvx2;
    return GemmIsa::kScalar;
  }();
  return best;
#else
  return GemmIsa::kScalar;
#endif
}

bool gemm_isa_available(GemmIsa isa) {
  return static_cast<int>(isa) <= static_cast<int>(best_gemm_isa());
}

void gemm_u8s8_with(GemmIsa isa, const uint8_t* a, int rows, int lda, const PackedB& b, int32_t* c,
                    int ldc, bool a_is_int8) {
  if (!gemm_isa_available(isa)) isa = best_gemm_isa();
#if defined(AIMC_GEMM_X86)
  const uint32_t flip = a_is_int8 ? 0x80808080u : 0u;
  if (isa == GemmIsa::kAvx512Vnni) return gemm_vnni(a, rows, lda, b, c, ldc, flip);
  if (isa == GemmIsa::kAvx2) return gemm_avx2(a, rows, lda, b, c, ldc, flip);
#endif
  gemm_u8s8_scalar(a, rows, lda, b, c, ldc, a_is_int8);
}

void gemm_u8s8(const uint8_t* a, int rows, int lda, const PackedB& b, int32_t* c, int ldc,
               bool a_is_int8) {
  gemm_u8s8_with(best_gemm_isa(), a, rows, lda, b, c, ldc, a_is_int8);
}

}  // namespace aimc::int8k
