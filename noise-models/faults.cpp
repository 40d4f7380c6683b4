#include "noise-models/faults.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace aimc::noise {

namespace {
void require_probability(const char* key, double p) {
  // Written so that NaN fails too.
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument(std::string(key) + ": must be a probability in [0, 1], got " +
                                std::to_string(p));
  }
}
}  // namespace

void validate_faults(const FaultParams& f) {
  require_probability("p_stuck_zero", f.p_stuck_zero);
  require_probability("p_stuck_gmax", f.p_stuck_gmax);
  if (f.p_stuck_zero + f.p_stuck_gmax > 1.0) {
    throw std::invalid_argument("p_stuck_zero + p_stuck_gmax: sum must be <= 1, got " +
                                std::to_string(f.p_stuck_zero + f.p_stuck_gmax));
  }
}

double apply_stuck_fault(const FaultParams& f, double g, double g_max, double u) {
  // u > 0 always, so a probability of 0 never produces a fault.
  if (u <= f.p_stuck_zero) return 0.0;
  if (u <= f.p_stuck_zero + f.p_stuck_gmax) return g_max;
  return g;
}

}  // namespace aimc::noise
