// The table-driven device (table_device.h) behind the device interface,
// under two names: "rram" (whose table the configuration defaults to
// rram_default_table()) and "custom" (a user's table).
#include <algorithm>
#include <cmath>
#include <memory>

#include "noise-models/device_registry.h"
#include "noise-models/table_device.h"

namespace aimc::noise {
namespace {

class TableDevice final : public DeviceModelBase<TableDevice> {
 public:
  TableDevice(std::string_view name, const DeviceTable& t) : name_(name), t_(t) {}
  std::string_view name() const override { return name_; }
  double g_max() const override { return t_.g_max; }
  DrawNeeds needs() const override { return {true, true, true}; }
  double program(double g_target, double z) const override {
    return table_program(t_, g_target, z);
  }
  double drift(double g_target, double g_prog, double t_inf, double z) const override {
    return g_prog * table_drift_factor(t_, table_drift_exponent(t_, g_target, z), t_inf);
  }
  // The same expression as table_conductance_at, so that both give the same bits.
  double read_noise(double g_target, double, double g_t, double t_inf, double z) const override {
    return std::max(g_t + std::fabs(g_t) * table_read_sigma(t_, g_target, t_inf) * z, 0.0);
  }

 private:
  std::string_view name_;  // a literal of the registry's factories
  DeviceTable t_;
};

}  // namespace

std::unique_ptr<const DeviceModel> make_rram_device(const DeviceParams& p) {
  return std::make_unique<TableDevice>("rram", p.table);
}

std::unique_ptr<const DeviceModel> make_custom_device(const DeviceParams& p) {
  return std::make_unique<TableDevice>("custom", p.table);
}

}  // namespace aimc::noise
