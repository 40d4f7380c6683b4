#pragma once
// The float matrix product under Conv, Gemm and MatMul: C = A * B on packed
// panels with a register-blocked micro-kernel. Every element of C is the
// sequential fused sum over k, so its bits do not depend on M, N, the
// panel it falls in or how callers split the work over threads.
#include <cstdint>
#include <vector>

namespace aimc::floatk {

inline constexpr int64_t kGemmMR = 6;   // rows of A per panel
inline constexpr int64_t kGemmNR = 16;  // columns of B per panel

inline int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

// Floats needed by pack_a / pack_b (panels are zero padded).
inline int64_t packed_a_size(int64_t m, int64_t k) { return round_up(m, kGemmMR) * k; }
inline int64_t packed_b_size(int64_t k, int64_t n) { return round_up(n, kGemmNR) * k; }

// A(i, kk) = a[i * row_stride + kk * col_stride], i < m, kk < k.
void pack_a(const float* a, int64_t m, int64_t k, int64_t row_stride, int64_t col_stride,
            float* out);
// B(kk, j) = b[kk * row_stride + j * col_stride], kk < k, j < n.
void pack_b(const float* b, int64_t k, int64_t n, int64_t row_stride, int64_t col_stride,
            float* out);

// C(i, j) = c[i * ldc + j] = sum_kk A(i, kk) * B(kk, j) (+ row_bias[i] if given).
void gemm_packed(const float* packed_a, const float* packed_b, int64_t m, int64_t n, int64_t k,
                 float* c, int64_t ldc, const float* row_bias);

// Convenience for small products (Gemm, MatMul): packs both sides and multiplies.
void gemm_strided(const float* a, int64_t a_row, int64_t a_col, const float* b, int64_t b_row,
                  int64_t b_col, int64_t m, int64_t n, int64_t k, float* c, int64_t ldc,
                  std::vector<float>& scratch);

}  // namespace aimc::floatk
