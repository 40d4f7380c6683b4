// libFuzzer target: the timing models' hardware descriptions
// (timing::hardware_from_json, and alpine_hardware_from_json followed by the
// ALPINE placement pass and cost model on a small MLP and LSTM in every
// scenario and mapping, so that any accepted description is costed without
// a crash or a non-finite result going unnoticed).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "engine/error.h"
#include "engine/hardware/alpine_hardware.h"
#include "engine/hardware/hardware.h"
#include "fuzz_json.h"
#include "models/specs/alpine_specs.h"
#include "models/studies/alpine_report.h"

namespace {

void cost_on_alpine(const aimc::AlpineHardware& h) {
  using namespace aimc::timing;
  for (const auto& layers :
       {aimc::models::alpine_mlp_spec({96, 2}), aimc::models::alpine_lstm_spec({12, 20, 3})})
    for (auto s : {AlpineScenario::kDigital, AlpineScenario::kTight, AlpineScenario::kLoose})
      for (auto m : {AlpineMapping::kSingle, AlpineMapping::kPipeline, AlpineMapping::kSplit}) {
        AlpineOptions o;
        o.scenario = s;
        o.mapping = m;
        try {
          const AlpineReport r = aimc::models::cost_alpine(layers, h, o);
          if (!std::isfinite(r.time_cycles()) || !std::isfinite(r.energy_uj)) std::abort();
        } catch (const aimc::BadInput&) {
        }
      }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto j = aimc::fuzz::parse_json(data, size);
  if (!j) return 0;
  try {
    const aimc::timing::Hardware h = aimc::timing::hardware_from_json(*j, "fuzz.json");
    (void)aimc::timing::hardware_to_json(h).dump();
  } catch (const aimc::BadInput&) {
  }
  try {
    const aimc::AlpineHardware a = aimc::alpine_hardware_from_json(*j, "fuzz.json");
    (void)aimc::alpine_hardware_to_json(a).dump();
    cost_on_alpine(a);
  } catch (const aimc::BadInput&) {
  }
  return 0;
}
