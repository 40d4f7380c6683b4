#include "noise-models/drift_predistortion.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace aimc::noise {
namespace {

// The orthonormal probabilists' Hermite polynomials p_k = He_k / sqrt(k!) at x:
// p_{k+1} = (x·p_k − sqrt(k)·p_{k−1}) / sqrt(k+1). Returns {p_n(x), p_{n−1}(x)}.
std::pair<double, double> hermite(int n, double x) {
  double prev = 0.0, cur = 1.0;
  for (int k = 0; k < n; ++k) {
    const double next = (x * cur - std::sqrt(double(k)) * prev) / std::sqrt(double(k + 1));
    prev = cur;
    cur = next;
  }
  return {cur, prev};
}

// The root of p_n in [a, b], where p_n changes sign, by bisection to the last bit.
double bisect_root(int n, double a, double b) {
  double fa = hermite(n, a).first;
  for (;;) {
    const double mid = 0.5 * (a + b);
    if (mid <= a || mid >= b) return mid;
    const double fm = hermite(n, mid).first;
    if (fm == 0.0) return mid;
    if ((fm < 0) == (fa < 0)) {
      a = mid;
      fa = fm;
    } else {
      b = mid;
    }
  }
}

}  // namespace

GaussHermite gauss_hermite_normal(int n) {
  if (n < 1) throw std::invalid_argument("gauss_hermite_normal: n must be >= 1");
  GaussHermite q;
  // Every root of He_n lies within sqrt(4n + 2); roots are farther apart than the scan's step.
  const double bound = std::sqrt(4.0 * n + 2.0) + 1.0;
  const int steps = 400 * n;
  double x0 = -bound, f0 = hermite(n, x0).first;
  for (int s = 1; s <= steps && int(q.nodes.size()) < n; ++s) {
    const double x1 = -bound + 2.0 * bound * s / steps;
    double f1 = hermite(n, x1).first;
    if (f1 == 0.0) {
      q.nodes.push_back(x1);  // a root on the grid (x = 0 for odd n): the sign flips through it
      f1 = -f0;
    } else if ((f0 < 0) != (f1 < 0)) {
      q.nodes.push_back(bisect_root(n, x0, x1));
    }
    x0 = x1;
    f0 = f1;
  }
  if (int(q.nodes.size()) != n) throw std::logic_error("gauss_hermite_normal: roots not found");
  // w_i = 1 / (n·p_{n−1}(x_i)²), normalized so that they sum to 1.
  double sum = 0.0;
  for (double x : q.nodes) {
    const double p = hermite(n, x).second;
    q.weights.push_back(1.0 / (n * p * p));
    sum += q.weights.back();
  }
  for (double& w : q.weights) w /= sum;
  return q;
}

double expected_drift_factor(const DeviceModel& m, double g, double t, const GaussHermite& q) {
  // Numerator and denominator summed alike: a drift that keeps g gives exactly 1.
  double drifted = 0.0, kept = 0.0;
  for (std::size_t i = 0; i < q.nodes.size(); ++i) {
    drifted += q.weights[i] * m.drift(g, g, t, q.nodes[i]);
    kept += q.weights[i] * g;
  }
  return drifted / kept;
}

DriftPredistortion::DriftPredistortion(const DeviceModel& m, double t_design, int nodes,
                                       int grid_intervals)
    : m_(m), t_design_(t_design), g_max_(m.g_max()), rule_(gauss_hermite_normal(nodes)) {
  if (grid_intervals < 1) throw std::invalid_argument("DriftPredistortion: no grid");
  h_.assign(std::size_t(grid_intervals) + 1, 0.0);
  for (int k = 1; k <= grid_intervals; ++k) {
    const double g = g_max_ * k / grid_intervals;
    const double f = expected_drift_factor(m_, g, t_design_, rule_);
    if (f != 1.0) identity_ = false;
    // Non-decreasing, so that the inverse takes the smallest g' reaching a value (a device whose
    // h is not monotone; h is increasing for PCM).
    h_[k] = std::max(h_[k - 1], g * f);
  }
  scale_ = identity_ ? 1.0 : h_.back() / g_max_;
}

double DriftPredistortion::target(double g) const {
  if (identity_ || !(g > 0.0) || g >= g_max_) return g;
  const double y = scale_ * g;
  // The first grid point at or above y: h_[k − 1] < y <= h_[k] (h_[0] = 0 < y <= h_.back()).
  const auto it = std::lower_bound(h_.begin() + 1, h_.end(), y);
  if (it == h_.end()) return g_max_;  // y above h(g_max) by a rounding
  const std::size_t k = std::size_t(it - h_.begin());
  const double step = g_max_ / double(h_.size() - 1);
  const double w = (y - h_[k - 1]) / (h_[k] - h_[k - 1]);
  return std::min((double(k - 1) + w) * step, g_max_);
}

double DriftPredistortion::expected_at_design_time(double g_prog) const {
  if (!(g_prog > 0.0)) return 0.0;
  return g_prog * expected_drift_factor(m_, g_prog, t_design_, rule_);
}

}  // namespace aimc::noise
