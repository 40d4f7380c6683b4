#include "engine/analog/device_read.h"

namespace aimc {

std::unique_ptr<const noise::DeviceModel> device_model(const AnalogConfig& c) {
  return noise::make_device(c.device, {c.pcm, c.gaussian, c.table});
}

bool has_faults(const AnalogConfig& c) {
  return c.faults.p_stuck_zero > 0 || c.faults.p_stuck_gmax > 0;
}

double AnalogConfig::g_max() const { return device_model(*this)->g_max(); }

AnalogConfig calibration_chip(const AnalogConfig& c) {
  AnalogConfig chip = c;
  if (c.adc_calibrated_at == AdcCalibrationTime::kAtProgramming) {
    chip.t_inf = 0;
    chip.compensation = DriftCompensation::kNone;
    chip.adc_calibrated_at = AdcCalibrationTime::kAtTInf;
    // The affine correction is fitted on the evaluated chip, in a later pass.
    chip.affine_correction = false;
  }
  return chip;
}

void read_devices(const noise::DeviceModel& m, const AnalogConfig& c,
                  std::span<const double> g_target, std::span<const DeviceDraws> draws,
                  std::span<DeviceRead> out) {
  m.conductances(g_target, draws, c.t_inf, out);
  if (!has_faults(c)) return;
  // A stuck device ignores programming: it reads its stuck value throughout.
  const double g_max = m.g_max();
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].read = noise::apply_stuck_fault(c.faults, out[i].read, g_max, draws[i].u_fault);
    out[i].programmed =
        noise::apply_stuck_fault(c.faults, out[i].programmed, g_max, draws[i].u_fault);
  }
}

}  // namespace aimc
