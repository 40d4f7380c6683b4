#include "engine/analog/program_verify.h"

#include <cmath>

namespace aimc {

double verified_programming_normal(const noise::DeviceModel& m, const AnalogConfig& c,
                                   double g_target, double z_first, const noise::StreamKey& key) {
  double z = z_first;
  if (c.verify_iterations <= 1 || !m.needs().prog) return z;
  const double tolerance = c.verify_tolerance * m.g_max();
  noise::StreamKey k = key;
  for (int attempt = 1; attempt < c.verify_iterations; ++attempt) {
    const double g_prog = m.program(g_target, z);
    k.epoch = static_cast<uint32_t>(attempt);
    k.purpose = noise::Purpose::kVerifyRead;
    const double z_read = m.needs().read ? noise::standard_normal(k) : 0.0;
    const double seen = m.read_noise(g_target, g_prog, g_prog, 0.0, z_read);
    if (std::fabs(seen - g_target) <= tolerance) break;
    k.purpose = noise::Purpose::kReprogramming;
    z = noise::standard_normal(k);
  }
  return z;
}

}  // namespace aimc
