#include "engine/analog/tile_gemm.h"

// Callers already spread jobs over OpenMP threads; Eigen's own OpenMP
// parallelism inside one small GEMM would only add synchronisation.
#define EIGEN_DONT_PARALLELIZE
#include <Eigen/Core>

namespace aimc {

void tile_gemm(const float* a, int lda, const float* b, int ldb, float* c, int m, int k, int n) {
  using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using ConstBlock = Eigen::Map<const RowMajor, 0, Eigen::OuterStride<>>;
  const ConstBlock x(a, m, k, Eigen::OuterStride<>(lda));
  const ConstBlock w(b, k, n, Eigen::OuterStride<>(ldb));
  Eigen::Map<RowMajor> y(c, m, n);
  y.noalias() = x * w;
}

}  // namespace aimc
