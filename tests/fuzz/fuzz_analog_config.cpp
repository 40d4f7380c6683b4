// libFuzzer target: the analog configuration's JSON validation
// (analog_config_from_json), with "device_table" file names resolved in /tmp.
#include <cstddef>
#include <cstdint>

#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "fuzz_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto j = aimc::fuzz::parse_json(data, size);
  if (!j) return 0;
  try {
    const aimc::AnalogConfig c = aimc::analog_config_from_json(*j, "fuzz.json", "/tmp");
    // An accepted configuration must serialise.
    (void)aimc::analog_config_to_json(c).dump();
  } catch (const aimc::BadInput&) {
  }
  return 0;
}
