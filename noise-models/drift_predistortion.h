#pragma once
// Drift-aware programming targets (docs/ARCHITECTURE.md, Device-level mitigations): a device's
// mean drift depends on its conductance (PCM: small conductances drift faster), so a common
// compensation factor cannot restore the ratios of the weights. Programming each device to a
// pre-distorted target G' instead of G, chosen so that its *expected* conductance at one design
// time T is c·G for every G, keeps the ratios at T; global compensation then removes c.
//
// The expected drift factor F(g, T) = E_z[drift(g, g, T, z)] / g is taken from the device
// model's own drift() by Gauss–Hermite quadrature over the standard normal z, so any device
// works. h(g') = g'·F(g', T) is tabulated once on a uniform grid of [0, g_max] and inverted by
// interpolation: G' = h⁻¹(c·G) with c = F(g_max, T), so that g_max maps to g_max and no target
// exceeds it. Devices whose drift() returns the programmed conductance unchanged (F ≡ 1) get the
// identity map, bit for bit. Only the mean is corrected: each device still draws its own
// exponent, and programming and read noise, around it.
#include <vector>

#include "noise-models/device_model.h"

namespace aimc::noise {

// Nodes and weights of an n-point Gauss–Hermite rule for the standard normal:
// E[f(z)] ≈ Σ weights[i]·f(nodes[i]), exact for polynomials of degree < 2n.
// The weights sum to 1 (up to rounding); nodes are ascending.
struct GaussHermite {
  std::vector<double> nodes, weights;
};
GaussHermite gauss_hermite_normal(int n);

// F(g, t) = E_z[m.drift(g, g, t, z)] / g by the rule q (g > 0). Exactly 1 when drift() returns
// its programmed conductance for every node.
double expected_drift_factor(const DeviceModel& m, double g, double t, const GaussHermite& q);

class DriftPredistortion {
 public:
  static constexpr int kNodes = 32;
  static constexpr int kGridIntervals = 2048;

  // The map of model m for the design time t_design (> 0), tabulated at once.
  DriftPredistortion(const DeviceModel& m, double t_design, int nodes = kNodes,
                     int grid_intervals = kGridIntervals);

  // True when every tabulated F is exactly 1: target() is then the identity.
  bool identity() const { return identity_; }
  // c = F(g_max, T): the expected conductance at T of every target, over the target.
  double scale() const { return scale_; }
  // The pre-distorted target G' of the intended target g (µS): h(G') = c·g by interpolation
  // of the table; g itself when identity(), g <= 0 or g >= g_max.
  double target(double g) const;
  // h(g') = g'·F(g', T) evaluated by quadrature (not the table): for checking target().
  double expected_at_design_time(double g_prog) const;

 private:
  const DeviceModel& m_;
  double t_design_, g_max_;
  GaussHermite rule_;
  std::vector<double> h_;  // h at g_max·k / intervals, made non-decreasing
  bool identity_ = true;
  double scale_ = 1.0;
};

}  // namespace aimc::noise
