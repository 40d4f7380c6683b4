#include "noise-models/device_model.h"

namespace aimc::noise {

DeviceDraws draw_device(DrawNeeds needs, bool faults, StreamKey key) {
  auto normal = [&key](Purpose p) {
    key.purpose = p;
    return standard_normal(key);
  };
  DeviceDraws d;
  if (needs.prog) d.z_prog = normal(Purpose::kProgramming);
  if (needs.drift) d.z_drift = normal(Purpose::kDriftExponent);
  if (needs.read) d.z_read = normal(Purpose::kReadNoise);
  if (faults) {
    key.purpose = Purpose::kFaultOccurs;
    d.u_fault = uniform01(key);
  }
  return d;
}

}  // namespace aimc::noise
