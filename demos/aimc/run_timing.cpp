#include "demos/aimc/run_timing.h"

#include <cstdio>

#include "engine/timing/cluster_model.h"
#include "engine/timing/graph_layers.h"

namespace aimc::cli {

void add_timing_options(cxxopts::Options& options) {
  options.add_options("timing")("timing",
                                "add the per-image latency and energy on the 8-core IMA cluster")(
      "hw", "hardware description JSON for --timing", cxxopts::value<std::string>());
}

nlohmann::json report_run_timing(const cxxopts::ParseResult& args, const CommonSettings& s,
                                 const Model& model) {
  if (!args.count("timing")) return nullptr;
  const timing::Hardware hw =
      args.count("hw") ? timing::load_hardware(args["hw"].as<std::string>()) : timing::Hardware{};
  timing::Scenario scenario = timing::Scenario::kCores;
  if (s.mode == ExecMode::kAnalog) {
    const int cjob = s.analog.placement.depthwise_cjob;
    // A whole network needs many arrays: the multi-array system, depthwise
    // on the accelerator; with depthwise on the crossbar, the cjob mapping.
    scenario = cjob == 8    ? timing::Scenario::kImaCjob8
               : cjob == 16 ? timing::Scenario::kImaCjob16
                            : timing::Scenario::kMultiArray;
  }
  const timing::TimingReport r =
      timing::estimate(timing::layers_from_graph(model.graph()), hw, scenario);
  std::printf("cluster  %s at %.0f MHz: %.3f ms, %.1f uJ per image (%.1f MMAC)\n",
              timing::scenario_name(scenario).c_str(), r.freq_mhz, r.latency_ms, r.energy_uj,
              r.mmac);
  return {{"scenario", timing::scenario_name(scenario)},
          {"freq_mhz", r.freq_mhz},
          {"latency_ms", r.latency_ms},
          {"energy_uj", r.energy_uj},
          {"mmac", r.mmac}};
}

}  // namespace aimc::cli
