// The ideal device: every conductance is exactly its target, at any time.
#include <memory>

#include "noise-models/device_registry.h"

namespace aimc::noise {
namespace {

class IdealDevice final : public DeviceModelBase<IdealDevice> {
 public:
  explicit IdealDevice(double g_max) : g_max_(g_max) {}
  std::string_view name() const override { return "ideal"; }
  double g_max() const override { return g_max_; }
  DrawNeeds needs() const override { return {}; }
  bool exact() const override { return true; }
  double program(double g_target, double) const override { return g_target; }
  double drift(double, double g_prog, double, double) const override { return g_prog; }
  double read_noise(double, double, double g_t, double, double) const override { return g_t; }

 private:
  double g_max_;
};

}  // namespace

// Only ratios of conductances matter to an ideal device; it uses the PCM scale.
std::unique_ptr<const DeviceModel> make_ideal_device(const DeviceParams& p) {
  return std::make_unique<IdealDevice>(p.pcm.g_max);
}

}  // namespace aimc::noise
