#pragma once
// The paper's mapping scenarios (`aimc timing --scenario`; docs/ARCHITECTURE.md, Cluster timing
// model), each a placement policy on one system: the placement pass decides the units, the cluster
// model costs them.
#include <string>
#include <vector>

#include "engine/passes/place.h"
#include "engine/timing/cluster_model.h"

namespace aimc::timing {

enum class Scenario { kCores, kImaCjob8, kImaCjob16, kHybrid, kImaDw, kMultiArray };

Scenario parse_scenario(const std::string& name);  // BadInput naming --scenario
std::string scenario_name(Scenario s);
std::vector<Scenario> all_scenarios();

struct ScenarioPlacement {
  PlacementPolicy policy;
  System system = System::kSingleIma;
};

// cores: everything in software. ima-cjob8/16: standard and pointwise convs
// on the IMA, depthwise too in C_job blocks. hybrid: depthwise on the cores
// in CHW layout. ima+dw: depthwise on the accelerator. multi-array: like
// ima+dw on the multi-array system. The classifier stays on the cores in
// every scenario (the paper's mapping). Tiles are the hardware's arrays.
ScenarioPlacement scenario_placement(Scenario s, const Hardware& h);

// Places `layers` by the scenario (then `overrides`) and costs them.
TimingReport estimate_scenario(std::vector<LayerShape> layers, const Hardware& h, Scenario s,
                               const PlacementOverrides& overrides = {});

}  // namespace aimc::timing
