// libFuzzer target: a sweep grid's validation (models::sweep_grid_from_json),
// which also validates every grid point as an analog configuration.
#include <cstddef>
#include <cstdint>

#include "engine/error.h"
#include "fuzz_json.h"
#include "models/studies/sweep_grid.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto j = aimc::fuzz::parse_json(data, size);
  if (!j) return 0;
  try {
    const aimc::models::SweepGrid g = aimc::models::sweep_grid_from_json(*j, "fuzz.json");
    (void)g.identity().dump();
  } catch (const aimc::BadInput&) {
  }
  return 0;
}
