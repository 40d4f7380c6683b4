#include "demos/aimc/run_timing.h"

#include <algorithm>
#include <cstdio>
#include <string>

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
  std::string excluding;
  if (!r.uncosted.empty())
    excluding = ", excluding " + std::to_string(r.uncosted.size()) + " uncosted layer" +
                (r.uncosted.size() == 1 ? "" : "s");
  std::printf("cluster  %s at %.0f MHz: %.3f ms, %.1f uJ per image (%.1f MMAC%s)\n", system.c_str(),
              r.freq_mhz, r.latency_ms, r.energy_uj, r.mmac, excluding.c_str());
  // The report's layers are the costed ones, in their order.
  nlohmann::json per_layer = nlohmann::json::array();
  std::size_t i = 0;
  for (const auto& l : layers) {
    if (l.op == timing::LayerOp::kUncosted) continue;
    const auto& c = r.layers.at(i++);
    per_layer.push_back({{"name", c.name},
                         {"unit", c.unit},
                         {"cjob", l.placement.cjob},
                         {"arrays", c.arrays},
                         {"cycles", c.cycles},
                         {"energy_uj", c.energy_uj}});
  }
  nlohmann::json uncosted = nlohmann::json::array();
  for (const auto& u : r.uncosted)
    uncosted.push_back({{"layer", u.name}, {"op", u.op}, {"reason", u.reason}});
  return {{"system", system},         {"freq_mhz", r.freq_mhz}, {"latency_ms", r.latency_ms},
          {"energy_uj", r.energy_uj}, {"mmac", r.mmac},         {"arrays", r.arrays},
          {"layers", per_layer},      {"uncosted", uncosted}};
}

}  // namespace aimc::cli
