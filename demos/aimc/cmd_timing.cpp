// aimc timing: per-layer cycles, time and energy of a network on the seed
// cluster (docs/ARCHITECTURE.md, Cluster timing model) for a mapping
// scenario or a run's own placement, or the Bottleneck comparison over all
// scenarios.
#include <cstdio>
#include <sstream>

#include "demos/aimc/cli_common.h"
#include "demos/aimc/commands.h"
#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "engine/onnx_import.h"
#include "engine/passes/placement_file.h"
#include "engine/passes/scenarios.h"
#include "engine/timing/graph_layers.h"
#include "models/specs/mobilenet_spec.h"

namespace aimc::cli {
namespace {

nlohmann::json report_json(const timing::TimingReport& r, const std::string& label) {
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
                      {"tops_per_w", l.energy_uj > 0 ? 2.0 * l.macs / (l.energy_uj * 1e6) : 0.0},
                      {"overlapped", l.overlapped}});
  }
  return {{"scenario", label},
          {"system", timing::system_name(r.system)},
          {"freq_mhz", r.freq_mhz},
          {"layers", layers},
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

std::string report_csv(const timing::TimingReport& r) {
  std::ostringstream out;
  out << "name,op,unit,macs,params,arrays,jobs,cycles,latency_us,energy_uj\n";
  for (const auto& l : r.layers)
    out << l.name << ',' << l.op << ',' << l.unit << ',' << l.macs << ',' << l.params << ','
        << l.arrays << ',' << l.jobs << ',' << l.cycles << ',' << l.latency_us << ',' << l.energy_uj
        << '\n';
  return out.str();
}

void print_report(const timing::TimingReport& r, const std::string& label) {
  std::printf("scenario %s at %.0f MHz\n", label.c_str(), r.freq_mhz);
  std::printf("%-18s %-10s %-9s %10s %9s %6s %8s %12s %11s %10s %8s\n", "layer", "op", "unit",
              "MACs", "params", "arrays", "jobs", "cycles", "latency_us", "energy_uJ", "TOPS/W");
  for (const auto& l : r.layers) {
    const double tops_w = l.energy_uj > 0 ? 2.0 * l.macs / (l.energy_uj * 1e6) : 0.0;
    std::printf("%-18s %-10s %-9s %10lld %9lld %6d %8lld %12.0f %11.2f %10.3f %8.2f%s\n",
                l.name.c_str(), l.op.c_str(), l.unit.c_str(), static_cast<long long>(l.macs),
                static_cast<long long>(l.params), l.arrays, static_cast<long long>(l.jobs),
                l.cycles, l.latency_us, l.energy_uj, tops_w, l.overlapped ? "  (overlapped)" : "");
  }
  std::printf(
      "total: %.3f ms, %.1f uJ, %.1f inferences/s, %.2f MMAC, %lld conv weights mapped, %d "
      "arrays (utilisation %.1f %%)\n",
      r.latency_ms, r.energy_uj, r.inferences_per_second, r.mmac,
      static_cast<long long>(r.mapped_params), r.arrays, 100.0 * r.array_utilization);
}

void print_bottleneck(const timing::Hardware& hw, const std::string& json_path) {
  const auto layers = models::bottleneck_spec();
  const timing::TimingReport cores = estimate_scenario(layers, hw, timing::Scenario::kCores);
  nlohmann::json table = nlohmann::json::object();
  std::printf("Bottleneck (14x14, 96 -> 576 -> 96) at %.0f MHz, %d-bit bus, %s\n", hw.freq_mhz,
              hw.bus_bits, hw.pipelined ? "pipelined" : "sequential");
  std::printf("%-12s %12s %12s %12s %12s\n", "scenario", "cycles", "energy_uJ", "speed-up",
              "energy eff.");
  for (timing::Scenario s : timing::all_scenarios()) {
    if (s == timing::Scenario::kMultiArray) continue;
    const timing::TimingReport r = estimate_scenario(layers, hw, s);
    const double speedup = cores.cycles / r.cycles, eff = cores.energy_uj / r.energy_uj;
    std::printf("%-12s %12.0f %12.3f %11.2fx %11.2fx\n", timing::scenario_name(s).c_str(), r.cycles,
                r.energy_uj, speedup, eff);
    table[timing::scenario_name(s)] = {{"cycles", r.cycles},
                                       {"energy_uj", r.energy_uj},
                                       {"speedup_vs_cores", speedup},
                                       {"energy_efficiency_vs_cores", eff}};
  }
  if (!json_path.empty())
    write_json(json_path, {{"bottleneck", table}, {"hardware", timing::hardware_to_json(hw)}});
}

// The network's layers, placed by the scenario or (--mode) as a run of that
// mode places them, then by --placement; returns the report's label.
std::string placed_layers(const cxxopts::ParseResult& args, const timing::Hardware& hw,
                          const std::string& source, std::vector<timing::LayerShape>& layers,
                          timing::System& system) {
  const PlacementOverrides overrides = args.count("placement")
                                           ? load_placement(args["placement"].as<std::string>())
                                           : PlacementOverrides{};
  if (args.count("mode") && args.count("scenario"))
    throw bad_input("--mode", "give either --mode (the run's own placement) or --scenario");
  if (!args.count("mode")) {
    const auto scenario = timing::parse_scenario(
        args.count("scenario") ? args["scenario"].as<std::string>() : "multi-array");
    const timing::ScenarioPlacement sp = timing::scenario_placement(scenario, hw);
    if (args.count("model")) {
      Graph g = prepare_graph(import_onnx_file(source), ModelOptions{});
      place(g, sp.policy, overrides);
      layers = timing::layers_from_graph(g);
    } else {
      place_layers(layers, sp.policy, overrides);
    }
    system = sp.system;
    return timing::scenario_name(scenario);
  }
  ModelOptions opt;
  opt.mode = parse_exec_mode(args["mode"].as<std::string>());
  if (opt.mode == ExecMode::kAnalog) {
    std::vector<std::string> sets;
    if (args.count("set")) sets = args["set"].as<std::vector<std::string>>();
    opt.analog = load_analog_config(args["analog"].as<std::string>(), sets);
  }
  opt.placement = overrides;
  if (args.count("model")) {
    layers = timing::layers_from_graph(prepare_graph(import_onnx_file(source), opt));
  } else {
    PlacementPolicy p = opt.mode == ExecMode::kAnalog ? analog_policy(opt.analog) : cores_policy();
    p.emulated = false;  // a spec has no kernels to run
    place_layers(layers, p, overrides);
  }
  system = timing::system_for(layers);
  return exec_mode_name(opt.mode) + " placement";
}

}  // namespace

int cmd_timing(int argc, char** argv) {
  cxxopts::Options options("aimc timing",
                           "Cycles, time and energy per layer on the 8-core IMA cluster");
  // clang-format off
  options.add_options()
      ("spec", "programmatic network: mobilenetv2, mobilenetv2-paper or bottleneck",
       cxxopts::value<std::string>())
      ("model", "an ONNX model instead of a spec (its convs, Gemm, adds and pooling)",
       cxxopts::value<std::string>())
      ("hw", "hardware description JSON (defaults: the paper's values)",
       cxxopts::value<std::string>())
      ("scenario", "cores, ima-cjob8, ima-cjob16, hybrid, ima+dw or multi-array (default)",
       cxxopts::value<std::string>())
      ("mode", "instead of a scenario, the placement a run of this mode gives: digital, float "
       "or analog (with --analog, --set)", cxxopts::value<std::string>())
      ("analog", "analog configuration for --mode analog: a preset or a JSON file",
       cxxopts::value<std::string>()->default_value("ideal"))
      ("set", "override one analog configuration key, key=value (repeatable)",
       cxxopts::value<std::vector<std::string>>())
      ("placement", "placement JSON (aimc place, hand-edited) over the scenario's or mode's",
       cxxopts::value<std::string>())
      ("freq-mhz", "cluster frequency (overrides the hardware file)", cxxopts::value<double>())
      ("bus-bits", "IMA bus width (overrides the hardware file)", cxxopts::value<int>())
      ("sequential", "IMA phases in sequence instead of pipelined")
      ("bottleneck", "the paper's Bottleneck over all scenarios, with ratios against cores")
      ("json", "write the report as JSON", cxxopts::value<std::string>())
      ("csv", "write the per-layer table as CSV", cxxopts::value<std::string>())
      ("h,help", "show this help");
  // clang-format on
  const auto args = parse_options(options, argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", options.help().c_str());
    return 0;
  }
  timing::Hardware hw =
      args.count("hw") ? timing::load_hardware(args["hw"].as<std::string>()) : timing::Hardware{};
  if (args.count("freq-mhz")) {
    hw.freq_mhz = args["freq-mhz"].as<double>();
    if (!(hw.freq_mhz > 0)) throw bad_input("--freq-mhz", "must be positive");
  }
  if (args.count("bus-bits")) {
    hw.bus_bits = args["bus-bits"].as<int>();
    if (hw.bus_bits < 8) throw bad_input("--bus-bits", "must be at least 8");
  }
  if (args.count("sequential")) hw.pipelined = false;

  if (args.count("bottleneck")) {
    print_bottleneck(hw, args.count("json") ? args["json"].as<std::string>() : "");
    return 0;
  }

  if (args.count("spec") && args.count("model"))
    throw bad_input("--model", "give either --model or --spec");
  std::string spec = args.count("spec") ? args["spec"].as<std::string>() : "mobilenetv2";
  std::vector<timing::LayerShape> layers;
  if (args.count("model")) {
    spec = args["model"].as<std::string>();
  } else {
    layers = models::named_spec(spec);
  }
  timing::System system = timing::System::kMultiArray;
  const std::string label = placed_layers(args, hw, spec, layers, system);
  if (layers.empty()) throw bad_input(spec, "has no layers the cluster model knows");
  const timing::TimingReport r = timing::estimate(layers, hw, system);
  print_report(r, label);
  if (args.count("json")) {
    nlohmann::json j = report_json(r, label);
    j["spec"] = spec;
    j["hardware"] = timing::hardware_to_json(hw);
    write_json(args["json"].as<std::string>(), j);
  }
  if (args.count("csv")) write_file_atomically(args["csv"].as<std::string>(), report_csv(r));
  return 0;
}

}  // namespace aimc::cli
