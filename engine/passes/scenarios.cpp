#include "engine/passes/scenarios.h"

#include "engine/error.h"

namespace aimc::timing {

Scenario parse_scenario(const std::string& name) {
  for (Scenario s : all_scenarios())
    if (scenario_name(s) == name) return s;
  throw bad_input("--scenario",
                  "unknown scenario '" + name +
                      "' (cores, ima-cjob8, ima-cjob16, hybrid, ima+dw, multi-array)");
}

std::string scenario_name(Scenario s) {
  switch (s) {
    case Scenario::kCores:
      return "cores";
    case Scenario::kImaCjob8:
      return "ima-cjob8";
    case Scenario::kImaCjob16:
      return "ima-cjob16";
    case Scenario::kHybrid:
      return "hybrid";
    case Scenario::kImaDw:
      return "ima+dw";
    case Scenario::kMultiArray:
      return "multi-array";
  }
  return "?";
}

std::vector<Scenario> all_scenarios() {
  return {Scenario::kCores,  Scenario::kImaCjob8, Scenario::kImaCjob16,
          Scenario::kHybrid, Scenario::kImaDw,    Scenario::kMultiArray};
}

ScenarioPlacement scenario_placement(Scenario s, const Hardware& h) {
  ScenarioPlacement sp;
  PlacementPolicy& p = sp.policy;
  p.tile_rows = h.ima_rows;
  p.tile_cols = h.ima_cols;
  p.emulated = false;  // costed only: any layer of a kind may go anywhere
  if (s == Scenario::kCores) return sp;
  p.analog = true;
  p.gemm = false;
  switch (s) {
    case Scenario::kImaCjob8:
      p.depthwise_cjob = 8;
      break;
    case Scenario::kImaCjob16:
      p.depthwise_cjob = 16;
      break;
    case Scenario::kHybrid:
      p.depthwise_elsewhere = Unit::kCoresChw;
      break;
    case Scenario::kMultiArray:
      sp.system = System::kMultiArray;
      break;
    default:
      break;
  }
  return sp;
}

TimingReport estimate_scenario(std::vector<LayerShape> layers, const Hardware& h, Scenario s,
                               const PlacementOverrides& overrides) {
  const ScenarioPlacement sp = scenario_placement(s, h);
  place_layers(layers, sp.policy, overrides);
  return estimate(layers, h, sp.system);
}

}  // namespace aimc::timing
