#include "engine/analog/device_read.h"

#include <cmath>

namespace aimc {

double AnalogConfig::g_max() const {
  switch (device) {
    case AnalogDevice::kPcm:
      return pcm.g_max;
    case AnalogDevice::kGaussian:
      return gaussian.g_max;
    case AnalogDevice::kRram:
    case AnalogDevice::kCustom:
      return table.g_max;
    case AnalogDevice::kIdeal:
      break;
  }
  return pcm.g_max;  // the ideal device uses the PCM scale; only ratios matter
}

DeviceRead read_device(const AnalogConfig& c, double g_target, noise::StreamKey key) {
  auto normal = [&key](noise::Purpose p) {
    key.purpose = p;
    return noise::standard_normal(key);
  };
  DeviceRead r{g_target, g_target};
  switch (c.device) {
    case AnalogDevice::kIdeal:
      break;
    case AnalogDevice::kPcm: {
      const double z_prog = normal(noise::Purpose::kProgramming);
      const double z_drift = normal(noise::Purpose::kDriftExponent);
      const double z_read = normal(noise::Purpose::kReadNoise);
      r.read = noise::pcm_conductance_at(c.pcm, g_target, c.t_inf, z_prog, z_drift, z_read);
      r.programmed = noise::pcm_program(c.pcm, g_target, z_prog);
      break;
    }
    case AnalogDevice::kGaussian: {
      r.programmed =
          noise::gaussian_program(c.gaussian, g_target, normal(noise::Purpose::kProgramming));
      r.read = noise::gaussian_read(c.gaussian, r.programmed, normal(noise::Purpose::kReadNoise));
      break;
    }
    case AnalogDevice::kRram:
    case AnalogDevice::kCustom: {
      const double z_prog = normal(noise::Purpose::kProgramming);
      const double z_drift = normal(noise::Purpose::kDriftExponent);
      const double z_read = normal(noise::Purpose::kReadNoise);
      r.read = noise::table_conductance_at(c.table, g_target, c.t_inf, z_prog, z_drift, z_read);
      r.programmed = noise::table_program(c.table, g_target, z_prog);
      break;
    }
  }
  if (c.faults.p_stuck_zero > 0 || c.faults.p_stuck_gmax > 0) {
    // A stuck device ignores programming: it reads its stuck value throughout.
    key.purpose = noise::Purpose::kFaultOccurs;
    const double u = noise::uniform01(key);
    const double g_max = c.g_max();
    r.read = noise::apply_stuck_fault(c.faults, r.read, g_max, u);
    r.programmed = noise::apply_stuck_fault(c.faults, r.programmed, g_max, u);
  }
  return r;
}

}  // namespace aimc
