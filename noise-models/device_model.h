#pragma once
// The interface every device model implements, so that the engine programs
// a crossbar without knowing which technology it emulates. A device goes
// from a target conductance to the value read at the evaluation time in
// three steps, each a pure function of its standard normal:
//   G_prog = program(G_target, z_prog)
//   G(t)   = drift(G_target, G_prog, t, z_drift)
//   G_read = read_noise(G_target, G_prog, G(t), t, z_read)
// Conductances are in µS, times in seconds after programming.
#include <cstddef>
#include <span>
#include <string_view>

#include "noise-models/counter_rng.h"

namespace aimc::noise {

// The standard normals and the fault uniform one device may need. Each is
// drawn under its own purpose of the device's key; unused ones keep these
// defaults (u_fault = 1 never selects a fault).
struct DeviceDraws {
  double z_prog = 0, z_drift = 0, z_read = 0, u_fault = 1;
};

// Which of the normals a device model uses: only those are drawn.
struct DrawNeeds {
  bool prog = false, drift = false, read = false;
};

// The draws of the device keyed by `key` (key.purpose is replaced by each
// draw's own purpose): the normals `needs` lists, then the fault uniform if
// `faults`. The read noise is drawn anew at each evaluation time, under
// `read_epoch` (time_epoch of t_inf); the others once per device. Pure
// function of its arguments.
DeviceDraws draw_device(DrawNeeds needs, bool faults, StreamKey key, uint32_t read_epoch = 0);
// The read-noise normal alone (what draw_device puts in z_read).
double draw_read_noise(StreamKey key, uint32_t read_epoch);

// One device's conductance at the evaluation time and right after
// programming (the reference drift compensation measures against).
struct Conductance {
  double read = 0;
  double programmed = 0;
};

class DeviceModel {
 public:
  virtual ~DeviceModel() = default;
  // The name a configuration selects the device by.
  virtual std::string_view name() const = 0;
  // The conductance the largest weight is programmed to.
  virtual double g_max() const = 0;
  virtual DrawNeeds needs() const = 0;
  // True when every device reads exactly its target: the engine then keeps
  // the integer weight levels as they are instead of a round trip in µS.
  virtual bool exact() const { return false; }

  virtual double program(double g_target, double z_prog) const = 0;
  virtual double drift(double g_target, double g_prog, double t_inf, double z_drift) const = 0;
  virtual double read_noise(double g_target, double g_prog, double g_t, double t_inf,
                            double z_read) const = 0;

  // out[i] for the device with target g_target[i] and draws[i], all three
  // steps: one call per block of devices, so that callers never pay a
  // virtual call per device. The spans have equal sizes.
  virtual void conductances(std::span<const double> g_target, std::span<const DeviceDraws> draws,
                            double t_inf, std::span<Conductance> out) const = 0;
};

// Implements conductances() with the device's own steps called directly
// (qualified calls: no virtual dispatch inside the loop). A device derives
// from DeviceModelBase<ItsClass>.
template <class Device>
class DeviceModelBase : public DeviceModel {
 public:
  void conductances(std::span<const double> g_target, std::span<const DeviceDraws> draws,
                    double t_inf, std::span<Conductance> out) const final {
    const Device& d = static_cast<const Device&>(*this);
    for (std::size_t i = 0; i < g_target.size(); ++i) {
      const double g = g_target[i];
      const double g_prog = d.Device::program(g, draws[i].z_prog);
      const double g_t = d.Device::drift(g, g_prog, t_inf, draws[i].z_drift);
      out[i] = {d.Device::read_noise(g, g_prog, g_t, t_inf, draws[i].z_read), g_prog};
    }
  }
};

}  // namespace aimc::noise
