#include "noise-models/pcm.h"

#include <algorithm>
#include <cmath>

namespace aimc::noise {

double pcm_programming_sigma(const PcmParams& p, double g) {
  return (0.26348 + 1.9650 * g - 1.1731 * g * g) * p.g_max / 25.0;
}

double pcm_program(const PcmParams& p, double g_target, double z) {
  const double sigma = pcm_programming_sigma(p, g_target / p.g_max) * p.prog_noise_scale;
  return std::max(g_target + sigma * z, 0.0);
}

namespace {
// aihwkit clips g to 1e-7 before taking its logarithm (_ZERO_CLIP).
double safe_log(double g) { return std::log(std::max(std::fabs(g), 1e-7)); }
}  // namespace

double pcm_drift_mu(double g) { return std::clamp(-0.0155 * safe_log(g) + 0.0244, 0.049, 0.1); }

double pcm_drift_sigma(double g) {
  return std::clamp(-0.0125 * safe_log(g) - 0.0059, 0.008, 0.045);
}

double pcm_drift_exponent(const PcmParams& p, double g_target, double z) {
  const double g = g_target / p.g_max;
  return std::fabs(pcm_drift_mu(g) + pcm_drift_sigma(g) * z) * p.drift_scale;
}

double pcm_drift_factor(const PcmParams& p, double nu, double t_inf) {
  return std::pow((t_inf + p.t0) / p.t0, -nu);
}

double pcm_read_noise_sigma(const PcmParams& p, double g_prog, double t_inf) {
  const double t = p.read_noise_includes_t0 ? t_inf + p.t0 : t_inf;
  if (t <= 0) return 0.0;
  const double q_s = std::min(0.0088 / std::max(std::pow(g_prog / p.g_max, 0.65), 1e-3), 0.2);
  return q_s * std::sqrt(std::log((t + p.t_read) / (2.0 * p.t_read))) * p.read_noise_scale;
}

double pcm_conductance_at(const PcmParams& p, double g_target, double t_inf, double z_prog,
                          double z_drift, double z_read) {
  const double g_prog = pcm_program(p, g_target, z_prog);
  const double nu = pcm_drift_exponent(p, g_target, z_drift);
  const double g_t = g_prog * pcm_drift_factor(p, nu, t_inf);
  const double sigma = pcm_read_noise_sigma(p, g_prog, t_inf);
  return std::max(g_t + std::fabs(g_t) * sigma * z_read, 0.0);
}

}  // namespace aimc::noise
