#pragma once
// int32 C = A · B for unsigned 8-bit A (activations offset by +128) and signed
// 8-bit B (weights), the core of the optimized conv: exact integer
// arithmetic, so any blocking gives the reference's bits. The CPU it runs on
// picks the kernel at run time: AVX-512 VNNI (vpdpbusd), else AVX2 (exact
// int16 pair products), else a portable loop; all give the same sums.
#include <cstdint>
#include <vector>

namespace aimc::int8k {

// B packed once: [N/16 column blocks][K/4][16 columns][4 k], zero-padded to
// multiples of 4 (k) and 16 (columns), the operand layout of vpdpbusd.
struct PackedB {
  int k = 0, n = 0;
  int k_padded = 0, n_padded = 0;
  std::vector<int8_t> data;
  std::vector<int32_t> column_sums;  // Σ_k B[k][n], for the +128 correction
};

// b_nk: N rows of K weights (row n = output channel n, OHWI flattened).
PackedB pack_b(const int8_t* b_nk, int k, int n);

// C[m][0..n_padded) for m < rows; A rows hold k_padded bytes (zeros after k),
// stride lda; C has stride ldc >= n_padded. With `a_is_int8`, A holds int8
// activations and each byte is offset by +128 (x ^ 0x80) as it is read: a
// pointwise conv then multiplies its input in place, without an im2col copy
// (k_padded must equal k, so no padding byte is read).
void gemm_u8s8(const uint8_t* a, int rows, int lda, const PackedB& b, int32_t* c, int ldc,
               bool a_is_int8 = false);

// Instruction sets of the kernels, in increasing order.
enum class GemmIsa { kScalar = 0, kAvx2 = 1, kAvx512Vnni = 2 };
GemmIsa best_gemm_isa();               // what this CPU runs (detected once)
bool gemm_isa_available(GemmIsa isa);  // isa <= best_gemm_isa()
// gemm_u8s8 on a given kernel (the best available one if this CPU lacks it);
// the tests hold every available kernel equal to the scalar one.
void gemm_u8s8_with(GemmIsa isa, const uint8_t* a, int rows, int lda, const PackedB& b, int32_t* c,
                    int ldc, bool a_is_int8 = false);

// The portable loop, also the oracle of the SIMD path in tests.
void gemm_u8s8_scalar(const uint8_t* a, int rows, int lda, const PackedB& b, int32_t* c, int ldc,
                      bool a_is_int8 = false);

}  // namespace aimc::int8k
