#include "noise-models/device_model.h"

namespace aimc::noise {

double draw_read_noise(StreamKey key, uint32_t read_epoch) {
  key.purpose = Purpose::kReadNoise;
  key.epoch = read_epoch;
  return standard_normal(key);
}

DeviceDraws draw_device(DrawNeeds needs, bool faults, StreamKey key, uint32_t read_epoch) {
  auto normal = [&key](Purpose p) {
    key.purpose = p;
    return standard_normal(key);
  };
  DeviceDraws d;
  if (needs.prog) d.z_prog = normal(Purpose::kProgramming);
  if (needs.drift) d.z_drift = normal(Purpose::kDriftExponent);
  if (needs.read) d.z_read = draw_read_noise(key, read_epoch);
  if (faults) {
    key.purpose = Purpose::kFaultOccurs;
    d.u_fault = uniform01(key);
  }
  return d;
}

}  // namespace aimc::noise
