#include "models/studies/timing_report.h"

#include <sstream>

#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "engine/model.h"
#include "engine/onnx_import.h"
#include "engine/passes/placement_file.h"
#include "engine/passes/scenarios.h"
#include "engine/timing/graph_layers.h"
#include "models/specs/mobilenet_spec.h"
#include "models/studies/text_table.h"

namespace aimc::models {
namespace {

double tops_per_w(const timing::LayerCost& l) {
  return l.energy_uj > 0 ? 2.0 * l.macs / (l.energy_uj * 1e6) : 0.0;
}

// The scenario's own placement policy on its system.
PlacedNetwork by_scenario(const TimingRequest& r, const timing::Hardware& hw,
                          const PlacementOverrides& overrides) {
  const auto scenario = timing::parse_scenario(r.scenario.empty() ? "multi-array" : r.scenario);
  const timing::ScenarioPlacement sp = timing::scenario_placement(scenario, hw);
  PlacedNetwork net;
  if (!r.model_path.empty()) {
    Graph g = prepare_graph(import_onnx_file(r.model_path), ModelOptions{});
    place(g, sp.policy, overrides);
    net.layers = timing::layers_from_graph(g);
  } else {
    net.layers = named_spec(r.spec);
    place_layers(net.layers, sp.policy, overrides);
  }
  net.system = sp.system;
  net.label = timing::scenario_name(scenario);
  return net;
}

// The placement a run of the mode gives (the same pass, the same policy).
PlacedNetwork by_mode(const TimingRequest& r, const PlacementOverrides& overrides) {
  ModelOptions opt;
  opt.mode = parse_exec_mode(r.mode);
  if (opt.mode == ExecMode::kAnalog) opt.analog = load_analog_config(r.analog, r.sets);
  opt.placement = overrides;
  PlacedNetwork net;
  if (!r.model_path.empty()) {
    net.layers = timing::layers_from_graph(prepare_graph(import_onnx_file(r.model_path), opt));
  } else {
    net.layers = named_spec(r.spec);
    PlacementPolicy p = opt.mode == ExecMode::kAnalog ? analog_policy(opt.analog) : cores_policy();
    p.emulated = false;  // a spec has no kernels to run
    place_layers(net.layers, p, overrides);
  }
  net.system = timing::system_for(net.layers);
  net.label = exec_mode_name(opt.mode) + " placement";
  return net;
}

}  // namespace

PlacedNetwork placed_network(const TimingRequest& r, const timing::Hardware& hw) {
  if (!r.mode.empty() && !r.scenario.empty())
    throw bad_input("--mode", "give either --mode (the run's own placement) or --scenario");
  const PlacementOverrides overrides =
      r.placement_path.empty() ? PlacementOverrides{} : load_placement(r.placement_path);
  PlacedNetwork net = r.mode.empty() ? by_scenario(r, hw, overrides) : by_mode(r, overrides);
  if (net.layers.empty())
    throw bad_input(r.model_path.empty() ? r.spec : r.model_path,
                    "has no layers the cluster model knows");
  return net;
}

std::string timing_table(const timing::TimingReport& r, const std::string& label) {
  std::string out;
  appendf(out, "scenario %s at %.0f MHz\n", label.c_str(), r.freq_mhz);
  appendf(out, "%-18s %-10s %-9s %10s %9s %6s %8s %12s %11s %10s %8s\n", "layer", "op", "unit",
          "MACs", "params", "arrays", "jobs", "cycles", "latency_us", "energy_uJ", "TOPS/W");
  for (const auto& l : r.layers) {
    appendf(out, "%-18s %-10s %-9s %10lld %9lld %6d %8lld %12.0f %11.2f %10.3f %8.2f%s\n",
            l.name.c_str(), l.op.c_str(), l.unit.c_str(), static_cast<long long>(l.macs),
            static_cast<long long>(l.params), l.arrays, static_cast<long long>(l.jobs), l.cycles,
            l.latency_us, l.energy_uj, tops_per_w(l), l.overlapped ? "  (overlapped)" : "");
  }
  if (!r.uncosted.empty()) {
    appendf(out, "uncosted (left out of the totals):\n");
    for (const auto& u : r.uncosted)
      appendf(out, "%-18s %-10s %s\n", u.name.c_str(), u.op.c_str(), u.reason.c_str());
  }
  std::string excluding;
  if (!r.uncosted.empty())
    appendf(excluding, ", excluding %zu uncosted layer%s", r.uncosted.size(),
            r.uncosted.size() == 1 ? "" : "s");
  appendf(out,
          "total%s: %.3f ms, %.1f uJ, %.1f inferences/s, %.2f MMAC, %lld conv weights mapped, %d "
          "arrays (utilisation %.1f %%)\n",
          excluding.c_str(), r.latency_ms, r.energy_uj, r.inferences_per_second, r.mmac,
          static_cast<long long>(r.mapped_params), r.arrays, 100.0 * r.array_utilization);
  if (!r.assumed_rates.empty()) {
    std::string keys;
    for (const auto& k : r.assumed_rates) keys += (keys.empty() ? "" : ", ") + k;
    appendf(out, "notes: assumed per-element rates (engine/hardware/hardware.cpp): %s\n",
            keys.c_str());
  }
  return out;
}

nlohmann::json timing_json(const timing::TimingReport& r, const std::string& label) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : r.layers) {
    layers.push_back({{"name", l.name},
                      {"op", l.op},
                      {"unit", l.unit},
                      {"macs", l.macs},
                      {"params", l.params},
                      {"arrays", l.arrays},
                      {"jobs", l.jobs},
                      {"cycles", l.cycles},
                      {"latency_us", l.latency_us},
                      {"energy_uj", l.energy_uj},
                      {"tops_per_w", tops_per_w(l)},
                      {"overlapped", l.overlapped}});
  }
  nlohmann::json uncosted = nlohmann::json::array();
  for (const auto& u : r.uncosted)
    uncosted.push_back({{"layer", u.name}, {"op", u.op}, {"reason", u.reason}});
  return {{"scenario", label},
          {"system", timing::system_name(r.system)},
          {"freq_mhz", r.freq_mhz},
          {"layers", layers},
          {"uncosted", uncosted},
          {"assumed_rates", r.assumed_rates},
          {"total",
           {{"cycles", r.cycles},
            {"latency_ms", r.latency_ms},
            {"energy_uj", r.energy_uj},
            {"inferences_per_second", r.inferences_per_second},
            {"arrays", r.arrays},
            {"array_utilization", r.array_utilization},
            {"mapped_params", r.mapped_params},
            {"mmac", r.mmac}}}};
}

std::string timing_csv(const timing::TimingReport& r) {
  std::ostringstream out;
  out << "name,op,unit,macs,params,arrays,jobs,cycles,latency_us,energy_uj\n";
  for (const auto& l : r.layers)
    out << l.name << ',' << l.op << ',' << l.unit << ',' << l.macs << ',' << l.params << ','
        << l.arrays << ',' << l.jobs << ',' << l.cycles << ',' << l.latency_us << ',' << l.energy_uj
        << '\n';
  return out.str();
}

BottleneckComparison bottleneck_comparison(const timing::Hardware& hw) {
  const auto layers = bottleneck_spec();
  const timing::TimingReport cores = estimate_scenario(layers, hw, timing::Scenario::kCores);
  BottleneckComparison b;
  b.json = nlohmann::json::object();
  appendf(b.table, "Bottleneck (14x14, 96 -> 576 -> 96) at %.0f MHz, %d-bit bus, %s\n", hw.freq_mhz,
          hw.bus_bits, hw.pipelined ? "pipelined" : "sequential");
  appendf(b.table, "%-12s %12s %12s %12s %12s\n", "scenario", "cycles", "energy_uJ", "speed-up",
          "energy eff.");
  for (timing::Scenario s : timing::all_scenarios()) {
    if (s == timing::Scenario::kMultiArray) continue;
    const timing::TimingReport r = estimate_scenario(layers, hw, s);
    const double speedup = cores.cycles / r.cycles, eff = cores.energy_uj / r.energy_uj;
    appendf(b.table, "%-12s %12.0f %12.3f %11.2fx %11.2fx\n", timing::scenario_name(s).c_str(),
            r.cycles, r.energy_uj, speedup, eff);
    b.json[timing::scenario_name(s)] = {{"cycles", r.cycles},
                                        {"energy_uj", r.energy_uj},
                                        {"speedup_vs_cores", speedup},
                                        {"energy_efficiency_vs_cores", eff}};
  }
  return b;
}

}  // namespace aimc::models
