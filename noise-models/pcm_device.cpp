// PCM (pcm.h) behind the device interface: programming noise, drift with a
// per-device exponent, and 1/f read noise relative to the drifted value.
#include <algorithm>
#include <cmath>
#include <memory>

#include "noise-models/device_registry.h"
#include "noise-models/pcm.h"

namespace aimc::noise {
namespace {

class PcmDevice final : public DeviceModelBase<PcmDevice> {
 public:
  explicit PcmDevice(const PcmParams& p) : p_(p) {}
  std::string_view name() const override { return "pcm"; }
  double g_max() const override { return p_.g_max; }
  DrawNeeds needs() const override { return {true, true, true}; }
  double program(double g_target, double z) const override { return pcm_program(p_, g_target, z); }
  double drift(double g_target, double g_prog, double t_inf, double z) const override {
    return g_prog * pcm_drift_factor(p_, pcm_drift_exponent(p_, g_target, z), t_inf);
  }
  // The same expression as pcm_conductance_at, so that both give the same bits.
  double read_noise(double, double g_prog, double g_t, double t_inf, double z) const override {
    const double sigma = pcm_read_noise_sigma(p_, g_prog, t_inf);
    return std::max(g_t + std::fabs(g_t) * sigma * z, 0.0);
  }

 private:
  PcmParams p_;
};

}  // namespace

std::unique_ptr<const DeviceModel> make_pcm_device(const DeviceParams& p) {
  return std::make_unique<PcmDevice>(p.pcm);
}

}  // namespace aimc::noise
