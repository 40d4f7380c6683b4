#pragma once
// Single-precision matrix product on the calling thread, by oneDNN's JIT
// sgemm (it picks AVX-512/AVX2/SSE code for the CPU it runs on; the
// kernels_bench BM_FloatGemm* rows show it beating Eigen and our own
// register kernel). Always one thread: callers split work over OpenMP
// themselves, and a fixed split keeps every result independent of the
// thread count (oneDNN may otherwise divide k between threads).
#include <cstdint>

namespace aimc {

// Row-major C[m×n] = A[m×k]·B[k×n] + beta·C with leading dimensions lda, ldb, ldc.
void sgemm(const float* a, int64_t lda, const float* b, int64_t ldb, float* c, int64_t ldc,
           int64_t m, int64_t n, int64_t k, float beta = 0.0f);

}  // namespace aimc
