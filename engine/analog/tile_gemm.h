#pragma once
// The crossbar's column currents as one float GEMM (oneDNN sgemm): C[m×n] = A[m×k]·B[k×n],
// all row-major with leading dimensions lda, ldb (C dense).
namespace aimc {

void tile_gemm(const float* a, int lda, const float* b, int ldb, float* c, int m, int k, int n);

}  // namespace aimc
