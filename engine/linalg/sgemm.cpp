#include "engine/linalg/sgemm.h"

#include <dnnl.h>
#include <omp.h>

#include <stdexcept>

namespace aimc {
namespace {

void call(const float* a, int64_t lda, const float* b, int64_t ldb, float* c, int64_t ldc,
          int64_t m, int64_t n, int64_t k, float beta) {
  const dnnl_status_t s = dnnl_sgemm('N', 'N', m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
  if (s != dnnl_success) throw std::runtime_error("oneDNN sgemm failed (invalid shape)");
}

}  // namespace

void sgemm(const float* a, int64_t lda, const float* b, int64_t ldb, float* c, int64_t ldc,
           int64_t m, int64_t n, int64_t k, float beta) {
  if (m <= 0 || n <= 0) return;
  // Inside an active parallel region oneDNN already runs sequentially, and
  // with a thread-count ICV of 1 (e.g. set in a team of one) it runs on one.
  if (omp_in_parallel() || omp_get_max_threads() == 1)
    return call(a, lda, b, ldb, c, ldc, m, n, k, beta);
    // Outside one, oneDNN would use omp_get_max_threads(); a one-thread region
    // whose own thread-count ICV is 1 makes it sequential without touching the
    // caller's setting (ICVs set inside a region are local to it).
#pragma omp parallel num_threads(1)
  {
    omp_set_num_threads(1);
    call(a, lda, b, ldb, c, ldc, m, n, k, beta);
  }
}

}  // namespace aimc
