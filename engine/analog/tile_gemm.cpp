#include "engine/analog/tile_gemm.h"

#include "engine/linalg/sgemm.h"

namespace aimc {

void tile_gemm(const float* a, int lda, const float* b, int ldb, float* c, int m, int k, int n) {
  sgemm(a, lda, b, ldb, c, n, m, n, k);
}

}  // namespace aimc
