#include "engine/kernels/float/float_gemm_core.h"

#include <algorithm>
#include <cstring>

#ifdef __FMA__
#include <immintrin.h>
#endif

namespace aimc::floatk {
namespace {

// Eight floats as a GCC/Clang vector: AVX registers when the target has
// them, pairs of SSE registers otherwise.
typedef float V8 __attribute__((vector_size(32)));
static_assert(kGemmNR == 16, "the micro-kernel holds a row of B in two V8");

inline V8 load8(const float* p) {
  V8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline V8 vmadd(V8 a, V8 b, V8 c) {
#ifdef __FMA__
  return (V8)_mm256_fmadd_ps((__m256)a, (__m256)b, (__m256)c);
#else
  return a * b + c;
#endif
}

// tile[i][j] = sum_kk A(i, kk) * B(kk, j) for the first kRows rows of one
// MR x NR block, the sum in kk order. Rows past kRows are not computed: a
// block with fewer rows (a batch-1 Gemm has one) costs only its own rows,
// and every computed element has the same bits whatever kRows is.
template <int kRows>
void micro_kernel(const float* pa, const float* pb, int64_t k, float (&tile)[kGemmMR][kGemmNR]) {
  static_assert(kRows >= 1 && kRows <= kGemmMR);
  V8 acc[kRows][2] = {};
  for (int64_t kk = 0; kk < k; ++kk) {
    const V8 b0 = load8(pb + kk * kGemmNR);
    const V8 b1 = load8(pb + kk * kGemmNR + 8);
    const float* a = pa + kk * kGemmMR;
#pragma GCC unroll 6
    for (int i = 0; i < kRows; ++i) {
      const V8 ai = V8{} + a[i];
      acc[i][0] = vmadd(ai, b0, acc[i][0]);
      acc[i][1] = vmadd(ai, b1, acc[i][1]);
    }
  }
  for (int i = 0; i < kRows; ++i) {
    std::memcpy(&tile[i][0], &acc[i][0], sizeof(V8));
    std::memcpy(&tile[i][8], &acc[i][1], sizeof(V8));
  }
}

void micro_kernel_rows(int64_t rows, const float* pa, const float* pb, int64_t k,
                       float (&tile)[kGemmMR][kGemmNR]) {
  static_assert(kGemmMR == 6, "one instance per row count");
  switch (rows) {
    case 1:
      return micro_kernel<1>(pa, pb, k, tile);
    case 2:
      return micro_kernel<2>(pa, pb, k, tile);
    case 3:
      return micro_kernel<3>(pa, pb, k, tile);
    case 4:
      return micro_kernel<4>(pa, pb, k, tile);
    case 5:
      return micro_kernel<5>(pa, pb, k, tile);
    default:
      return micro_kernel<6>(pa, pb, k, tile);
  }
}

}  // namespace

void pack_a(const float* a, int64_t m, int64_t k, int64_t row_stride, int64_t col_stride,
            float* out) {
  for (int64_t i0 = 0; i0 < m; i0 += kGemmMR) {
    float* panel = out + i0 * k;
    const int64_t rows = std::min(kGemmMR, m - i0);
    for (int64_t kk = 0; kk < k; ++kk) {
      for (int64_t i = 0; i < kGemmMR; ++i) {
        panel[kk * kGemmMR + i] = i < rows ? a[(i0 + i) * row_stride + kk * col_stride] : 0.0f;
      }
    }
  }
}

void pack_b(const float* b, int64_t k, int64_t n, int64_t row_stride, int64_t col_stride,
            float* out) {
  for (int64_t j0 = 0; j0 < n; j0 += kGemmNR) {
    float* panel = out + j0 * k;
    const int64_t cols = std::min(kGemmNR, n - j0);
    for (int64_t kk = 0; kk < k; ++kk) {
      const float* src = b + kk * row_stride + j0 * col_stride;
      float* dst = panel + kk * kGemmNR;
      if (col_stride == 1) {
        std::copy(src, src + cols, dst);
      } else {
        for (int64_t j = 0; j < cols; ++j) dst[j] = src[j * col_stride];
      }
      std::fill(dst + cols, dst + kGemmNR, 0.0f);
    }
  }
}

void gemm_packed(const float* packed_a, const float* packed_b, int64_t m, int64_t n, int64_t k,
                 float* c, int64_t ldc, const float* row_bias) {
  float tile[kGemmMR][kGemmNR];
  for (int64_t i0 = 0; i0 < m; i0 += kGemmMR) {
    const int64_t rows = std::min(kGemmMR, m - i0);
    for (int64_t j0 = 0; j0 < n; j0 += kGemmNR) {
      const int64_t cols = std::min(kGemmNR, n - j0);
      micro_kernel_rows(rows, packed_a + i0 * k, packed_b + j0 * k, k, tile);
      for (int64_t i = 0; i < rows; ++i) {
        const float bias = row_bias ? row_bias[i0 + i] : 0.0f;
        float* dst = c + (i0 + i) * ldc + j0;
        for (int64_t j = 0; j < cols; ++j) dst[j] = tile[i][j] + bias;
      }
    }
  }
}

void gemm_strided(const float* a, int64_t a_row, int64_t a_col, const float* b, int64_t b_row,
                  int64_t b_col, int64_t m, int64_t n, int64_t k, float* c, int64_t ldc,
                  std::vector<float>& scratch) {
  const int64_t sa = packed_a_size(m, k);
  scratch.resize(static_cast<std::size_t>(sa + packed_b_size(k, n)));
  pack_a(a, m, k, a_row, a_col, scratch.data());
  pack_b(b, k, n, b_row, b_col, scratch.data() + sa);
  gemm_packed(scratch.data(), scratch.data() + sa, m, n, k, c, ldc, nullptr);
}

}  // namespace aimc::floatk
