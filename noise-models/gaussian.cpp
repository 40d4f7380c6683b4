#include "noise-models/gaussian.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace aimc::noise {

namespace {
// A relative σ scales with the magnitude, so that a (clipped) zero stays
// exactly zero and the noise never flips with the sign of its argument.
double sigma_for(const GaussianParams& p, double sigma, double g) {
  return p.relative ? sigma * std::fabs(g) : sigma;
}

void require_non_negative(const char* key, double v) {
  if (!std::isfinite(v)) throw std::invalid_argument(std::string(key) + ": not a finite number");
  if (v < 0) throw std::invalid_argument(std::string(key) + ": negative value");
}
}  // namespace

void validate_gaussian(const GaussianParams& p) {
  if (!(std::isfinite(p.g_max) && p.g_max > 0)) {
    throw std::invalid_argument("g_max: must be > 0");
  }
  require_non_negative("prog_sigma", p.prog_sigma);
  require_non_negative("read_sigma", p.read_sigma);
}

double gaussian_program(const GaussianParams& p, double g_target, double z) {
  return std::max(g_target + sigma_for(p, p.prog_sigma, g_target) * z, 0.0);
}

double gaussian_read(const GaussianParams& p, double g_prog, double z) {
  return std::max(g_prog + sigma_for(p, p.read_sigma, g_prog) * z, 0.0);
}

}  // namespace aimc::noise
