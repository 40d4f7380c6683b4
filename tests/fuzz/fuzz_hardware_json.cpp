// libFuzzer target: the timing model's hardware description
// (timing::hardware_from_json).
#include <cstddef>
#include <cstdint>

#include "engine/error.h"
#include "engine/hardware/hardware.h"
#include "fuzz_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto j = aimc::fuzz::parse_json(data, size);
  if (!j) return 0;
  try {
    const aimc::timing::Hardware h = aimc::timing::hardware_from_json(*j, "fuzz.json");
    (void)aimc::timing::hardware_to_json(h).dump();
  } catch (const aimc::BadInput&) {
  }
  return 0;
}
