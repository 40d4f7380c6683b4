// Eigen's products would split their blocking by the OpenMP thread count,
// which changes the order of sums: keep every product on one thread.
#define EIGEN_DONT_PARALLELIZE
#include "quant/gptq.h"

// GCC 12 with -O1 and the sanitizers flags the AVX-512 intrinsics Eigen's
// transposes inline (their deliberately undefined lanes) as uninitialized.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <Eigen/Cholesky>
#include <Eigen/Core>
#pragma GCC diagnostic pop
#include <algorithm>
#include <cmath>
#include <optional>

#include "quant/conductance_mapping.h"

namespace aimc::quant {
namespace {

using Matrix = Eigen::MatrixXd;  // column-major

// The upper Cholesky factor U of H⁻¹ (H⁻¹ = UᵀU) for H damped by `damp` on
// its diagonal, or nothing when H + damp·I is not positive definite.
std::optional<Matrix> inverse_cholesky_upper(const Matrix& h, double damp) {
  Matrix damped = h;
  damped.diagonal().array() += damp;
  const Eigen::LLT<Matrix> llt(damped);
  if (llt.info() != Eigen::Success) return std::nullopt;
  const Matrix inverse = llt.solve(Matrix::Identity(h.rows(), h.cols()));
  const Eigen::LLT<Matrix> inverse_llt(inverse);
  if (inverse_llt.info() != Eigen::Success) return std::nullopt;
  return Matrix(inverse_llt.matrixU());
}

// The factor for the configured damping; when rounding errors leave H
// indefinite (nearly collinear inputs), the damping grows tenfold a few
// times. Without any factor (all tries failed), the identity: GPTQ then
// reduces to plain rounding rather than failing.
Matrix feedback_factor(Matrix h, double damping) {
  for (int i = 0; i < h.rows(); ++i)
    if (h(i, i) == 0) h(i, i) = 1;  // a dead input: no feedback through it
  const double mean = h.diagonal().mean() > 0 ? h.diagonal().mean() : 1.0;
  double damp = damping * mean;
  constexpr int kTries = 6;
  for (int t = 0; t < kTries; ++t) {
    if (auto u = inverse_cholesky_upper(h, damp)) return *u;
    damp = std::max(damp * 10, 1e-4 * mean);
  }
  return Matrix::Identity(h.rows(), h.cols());
}

}  // namespace

void add_second_moment(std::span<const double> x, int count, int k, std::span<int64_t> xx) {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Map<const RowMajor> jobs(x.data(), count, k);
  const Matrix sum = jobs.transpose() * jobs;  // exact: integers below 2^53
  for (int r = 0; r < k; ++r)
    for (int c = 0; c < k; ++c) xx[std::size_t(r) * k + c] += static_cast<int64_t>(sum(r, c));
}

std::vector<int> gptq_input_order(std::span<const double> h_kk, int k, GptqOrder order) {
  std::vector<int> perm(k);
  for (int i = 0; i < k; ++i) perm[i] = i;
  if (order == GptqOrder::kActivation)
    std::stable_sort(perm.begin(), perm.end(), [&](int a, int b) {
      return h_kk[std::size_t(a) * k + a] > h_kk[std::size_t(b) * k + b];
    });
  return perm;
}

std::vector<int16_t> gptq_levels(std::span<const float> w_nk, int n, int k,
                                 std::span<const double> h_kk, const GptqGrid& grid, double damping,
                                 GptqOrder order) {
  // Everything below works in rounding order: step a rounds input perm[a].
  const std::vector<int> perm = gptq_input_order(h_kk, k, order);
  Matrix h(k, k);
  for (int r = 0; r < k; ++r)
    for (int c = 0; c < k; ++c) h(r, c) = h_kk[std::size_t(perm[r]) * k + perm[c]];
  const Matrix u = feedback_factor(std::move(h), damping);

  Matrix w(n, k);  // updated in place as errors are fed forward
  for (int j = 0; j < n; ++j)
    for (int a = 0; a < k; ++a) w(j, a) = w_nk[std::size_t(j) * k + perm[a]];
  std::vector<int16_t> q(std::size_t(n) * k);
  Eigen::VectorXd error(n);
  for (int a = 0; a < k; ++a) {
    const int i = perm[a];  // the input's own row tile sets its grid
    const double* scale = &grid.scale[std::size_t(i / grid.tile_rows) * n];
    for (int j = 0; j < n; ++j) {
      // Plain rounding's expression, so that no feedback means its levels.
      const double level =
          std::clamp(quantize_weight(w(j, a), scale[j], grid.levels), -grid.levels, grid.levels);
      q[std::size_t(j) * k + i] = static_cast<int16_t>(level);
      error(j) = (w(j, a) - level * (scale[j] / grid.levels)) / u(a, a);
    }
    // w_·c −= e·U_ac for the inputs not yet quantized (Frantar et al., Alg. 1).
    for (int c = a + 1; c < k; ++c) w.col(c) -= u(a, c) * error;
  }
  return q;
}

}  // namespace aimc::quant
