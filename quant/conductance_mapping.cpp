#include "quant/conductance_mapping.h"

#include <cmath>

namespace aimc::quant {

double weight_levels(int bits) { return std::ldexp(1.0, bits - 1) - 1.0; }

double quantize_weight(double w, double scale, double levels) {
  return scale > 0 ? std::round(w * levels / scale) : 0.0;
}

int slices_needed(double largest, int slice_bits) {
  const double base = std::ldexp(1.0, slice_bits);
  int slices = 1;
  while (std::pow(base, slices) <= largest) ++slices;
  return slices;
}

std::vector<double> slice_digits(double magnitude, int slice_bits, int slices) {
  const double base = std::ldexp(1.0, slice_bits);
  std::vector<double> digits(slices);
  for (double& d : digits) {
    d = std::fmod(magnitude, base);
    magnitude = std::floor(magnitude / base);
  }
  return digits;
}

PairTargets pair_targets(double q, double q_max, double g_max) {
  return {g_max * std::max(q, 0.0) / q_max, g_max * std::max(-q, 0.0) / q_max};
}

}  // namespace aimc::quant
