// The Gaussian device (gaussian.h) behind the device interface: programming
// and read noise, no drift.
#include <memory>

#include "noise-models/device_registry.h"
#include "noise-models/gaussian.h"

namespace aimc::noise {
namespace {

class GaussianDevice final : public DeviceModelBase<GaussianDevice> {
 public:
  explicit GaussianDevice(const GaussianParams& p) : p_(p) {}
  std::string_view name() const override { return "gaussian"; }
  double g_max() const override { return p_.g_max; }
  DrawNeeds needs() const override { return {true, false, true}; }
  double program(double g_target, double z) const override {
    return gaussian_program(p_, g_target, z);
  }
  double drift(double, double g_prog, double, double) const override { return g_prog; }
  double read_noise(double, double, double g_t, double, double z) const override {
    return gaussian_read(p_, g_t, z);
  }

 private:
  GaussianParams p_;
};

}  // namespace

std::unique_ptr<const DeviceModel> make_gaussian_device(const DeviceParams& p) {
  return std::make_unique<GaussianDevice>(p.gaussian);
}

}  // namespace aimc::noise
