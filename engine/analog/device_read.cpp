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

AnalogConfig calibration_chip(const AnalogConfig& c) {
  AnalogConfig chip = c;
  if (c.adc_calibrated_at == AdcCalibrationTime::kAtProgramming) {
    chip.t_inf = 0;
    chip.compensation = DriftCompensation::kNone;
    chip.adc_calibrated_at = AdcCalibrationTime::kAtTInf;
  }
  return chip;
}

DeviceDraws draw_device(const AnalogConfig& c, noise::StreamKey key) {
  auto normal = [&key](noise::Purpose p) {
    key.purpose = p;
    return noise::standard_normal(key);
  };
  DeviceDraws d;
  switch (c.device) {
    case AnalogDevice::kIdeal:
      break;
    case AnalogDevice::kPcm:
    case AnalogDevice::kRram:
    case AnalogDevice::kCustom:
      d.z_prog = normal(noise::Purpose::kProgramming);
      d.z_drift = normal(noise::Purpose::kDriftExponent);
      d.z_read = normal(noise::Purpose::kReadNoise);
      break;
    case AnalogDevice::kGaussian:
      d.z_prog = normal(noise::Purpose::kProgramming);
      d.z_read = normal(noise::Purpose::kReadNoise);
      break;
  }
  if (c.faults.p_stuck_zero > 0 || c.faults.p_stuck_gmax > 0) {
    key.purpose = noise::Purpose::kFaultOccurs;
    d.u_fault = noise::uniform01(key);
  }
  return d;
}

DeviceRead read_device(const AnalogConfig& c, double g_target, const DeviceDraws& d) {
  DeviceRead r{g_target, g_target};
  switch (c.device) {
    case AnalogDevice::kIdeal:
      break;
    case AnalogDevice::kPcm:
      r.read = noise::pcm_conductance_at(c.pcm, g_target, c.t_inf, d.z_prog, d.z_drift, d.z_read);
      r.programmed = noise::pcm_program(c.pcm, g_target, d.z_prog);
      break;
    case AnalogDevice::kGaussian:
      r.programmed = noise::gaussian_program(c.gaussian, g_target, d.z_prog);
      r.read = noise::gaussian_read(c.gaussian, r.programmed, d.z_read);
      break;
    case AnalogDevice::kRram:
    case AnalogDevice::kCustom:
      r.read =
          noise::table_conductance_at(c.table, g_target, c.t_inf, d.z_prog, d.z_drift, d.z_read);
      r.programmed = noise::table_program(c.table, g_target, d.z_prog);
      break;
  }
  if (c.faults.p_stuck_zero > 0 || c.faults.p_stuck_gmax > 0) {
    // A stuck device ignores programming: it reads its stuck value throughout.
    const double g_max = c.g_max();
    r.read = noise::apply_stuck_fault(c.faults, r.read, g_max, d.u_fault);
    r.programmed = noise::apply_stuck_fault(c.faults, r.programmed, g_max, d.u_fault);
  }
  return r;
}

}  // namespace aimc
