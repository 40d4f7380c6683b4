#include "demos/aimc/run_timing.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "engine/error.h"
#include "engine/hardware/alpine_hardware.h"
#include "engine/timing/cluster_model.h"
#include "engine/timing/graph_layers.h"
#include "models/studies/alpine_report.h"

namespace aimc::cli {

void add_timing_options(cxxopts::Options& options) {
  options.add_options("timing")(
      "timing",
      "add the per-image latency and energy on the 8-core IMA cluster (or on ALPINE "
      "with --hw alpine-hp or alpine-lp)")(
      "hw", "hardware for --timing: seed-cluster (default), alpine-hp, alpine-lp or a JSON file",
      cxxopts::value<std::string>());
}

namespace {

// ALPINE: the run's graph on the tightly coupled tiles (single mapping)
// against the same cores in NEON code; a network whose tiles do not fit
// the cores says so instead of a tightly coupled figure.
nlohmann::json report_alpine_timing(const std::string& spec, const Model& model) {
  const AlpineHardware h = load_alpine_hardware(spec);
  const auto layers = timing::layers_from_graph(model.graph());
  timing::AlpineOptions digital;
  digital.scenario = timing::AlpineScenario::kDigital;
  const timing::AlpineReport d = models::cost_alpine(layers, h, digital);
  nlohmann::json j = {{"system", "alpine"},
                      {"freq_mhz", h.freq_mhz},
                      {"digital", {{"latency_us", d.time_us()}, {"energy_uj", d.energy_uj}}}};
  std::printf("alpine   NEON digital at %.0f MHz: %.3f us, %.3f uJ per image (%.2f MMAC)\n",
              h.freq_mhz, d.time_us(), d.energy_uj, d.mmac);
  try {
    const timing::AlpineReport t = models::cost_alpine(layers, h, {});
    std::printf(
        "alpine   tiles (tc, single): %.3f us, %.3f uJ per image (%.2fx faster, %.2fx less "
        "energy)\n",
        t.time_us(), t.energy_uj, d.time_cycles() / t.time_cycles(), d.energy_uj / t.energy_uj);
    j["tc"] = {{"latency_us", t.time_us()},
               {"energy_uj", t.energy_uj},
               {"speedup", d.time_cycles() / t.time_cycles()},
               {"energy_gain", d.energy_uj / t.energy_uj}};
  } catch (const BadInput& e) {
    std::printf("alpine   tiles (tc, single): not costed: %s\n", e.what());
    j["tc"] = {{"not_costed", e.what()}};
  }
  return j;
}

}  // namespace

nlohmann::json report_run_timing(const cxxopts::ParseResult& args, const Model& model) {
  if (!args.count("timing")) return nullptr;
  if (args.count("hw") && is_alpine_hardware(args["hw"].as<std::string>()))
    return report_alpine_timing(args["hw"].as<std::string>(), model);
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
