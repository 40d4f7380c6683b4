#pragma once
// Stuck-at faults (docs/ARCHITECTURE.md, Device models): a device that is stuck reads 0 or
// g_max whatever it was programmed to. Which devices are stuck is decided by
// one uniform per device, so the fault map is a pure function of its key.

namespace aimc::noise {

struct FaultParams {
  double p_stuck_zero = 0.0;  // probability that a device is stuck at 0
  double p_stuck_gmax = 0.0;  // probability that a device is stuck at g_max
};

// Throws std::invalid_argument whose what() starts with the offending key
// if a probability is outside [0, 1] or their sum exceeds 1.
void validate_faults(const FaultParams& f);

// u is a uniform in (0, 1] drawn once per device: u <= p_stuck_zero -> 0;
// else u <= p_stuck_zero + p_stuck_gmax -> g_max; else g unchanged.
double apply_stuck_fault(const FaultParams& f, double g, double g_max, double u);

}  // namespace aimc::noise
