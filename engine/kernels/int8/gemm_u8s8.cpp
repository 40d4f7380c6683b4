#include "engine/kernels/int8/gemm_u8s8.h"

#include <cstring>

#if defined(__AVX512VNNI__) && defined(__AVX512F__)
#include <immintrin.h>
#define AIMC_HAVE_VNNI 1
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

#if defined(AIMC_HAVE_VNNI)
namespace {

// An MR x (16*NB) tile: MR rows of A broadcast 4 bytes at a time against NB
// column blocks of B; MR*NB accumulators stay in registers.
template <int MR, int NB>
void tile(const uint8_t* a, int lda, const PackedB& b, int block0, int32_t* c, int ldc,
          uint32_t flip) {
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
void row_panel(const uint8_t* a, int lda, const PackedB& b, int32_t* c, int ldc, uint32_t flip) {
  const int blocks = b.n_padded / kColumns;
  int j = 0;
  for (; j + 4 <= blocks; j += 4) tile<MR, 4>(a, lda, b, j, c, ldc, flip);
  if (blocks - j >= 2) {
    tile<MR, 2>(a, lda, b, j, c, ldc, flip);
    j += 2;
  }
  for (; j < blocks; ++j) tile<MR, 1>(a, lda, b, j, c, ldc, flip);
}

}  // namespace

void gemm_u8s8(const uint8_t* a, int rows, int lda, const PackedB& b, int32_t* c, int ldc,
               bool a_is_int8) {
  const uint32_t flip = a_is_int8 ? 0x80808080u : 0u;
  int m = 0;
  for (; m + 6 <= rows; m += 6)
    row_panel<6>(a + std::size_t(m) * lda, lda, b, c + std::size_t(m) * ldc, ldc, flip);
  for (; m < rows; ++m)
    row_panel<1>(a + std::size_t(m) * lda, lda, b, c + std::size_t(m) * ldc, ldc, flip);
}
#else
void gemm_u8s8(const uint8_t* a, int rows, int lda, const PackedB& b, int32_t* c, int ldc,
               bool a_is_int8) {
  gemm_u8s8_scalar(a, rows, lda, b, c, ldc, a_is_int8);
}
#endif

}  // namespace aimc::int8k
