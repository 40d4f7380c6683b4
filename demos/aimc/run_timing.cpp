#include "demos/aimc/run_timing.h"

#include <algorithm>
#include <cstdio>

#include "engine/timing/cluster_model.h"
#include "engine/timing/graph_layers.h"

namespace aimc::cli {

void add_timing_options(cxxopts::Options& options) {
  options.add_options("timing")("timing",
                                "add the per-image latency and energy on the 8-core IMA cluster")(
      "hw", "hardware description JSON for --timing", cxxopts::value<std::string>());
}

nlohmann::json report_run_timing(const cxxopts::ParseResult& args, const Model& model) {
  if (!args.count("timing")) return nullptr;
  const timing::Hardware hw =
      args.count("hw") ? timing::load_hardware(args["hw"].as<std::string>()) : timing::Hardware{};
  const auto layers = timing::layers_from_graph(model.graph());
  const timing::TimingReport r = timing::estimate(layers, hw, timing::system_for(layers));
  // "cores" when every layer runs in software: no system to speak of.
  const bool all_cores = std::all_of(
      layers.begin(), layers.end(), [](const auto& l) { return l.placement.unit == Unit::kCores; });
  const std::string system = all_cores ? "cores" : timing::system_name(r.system);
  std::printf("cluster  %s at %.0f MHz: %.3f ms, %.1f uJ per image (%.1f MMAC)\n", system.c_str(),
              r.freq_mhz, r.latency_ms, r.energy_uj, r.mmac);
  nlohmann::json per_layer = nlohmann::json::array();
  for (std::size_t i = 0; i < r.layers.size(); ++i)
    per_layer.push_back({{"name", r.layers[i].name},
                         {"unit", r.layers[i].unit},
                         {"cjob", layers[i].placement.cjob},
                         {"arrays", r.layers[i].arrays},
                         {"cycles", r.layers[i].cycles},
                         {"energy_uj", r.layers[i].energy_uj}});
  return {{"system", system},         {"freq_mhz", r.freq_mhz}, {"latency_ms", r.latency_ms},
          {"energy_uj", r.energy_uj}, {"mmac", r.mmac},         {"arrays", r.arrays},
          {"layers", per_layer}};
}

}  // namespace aimc::cli
