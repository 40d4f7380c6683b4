// aimc timing --hw alpine-hp|alpine-lp|FILE: per-layer cycles, instructions
// and energy of a network on the ALPINE system (docs/ARCHITECTURE.md,
// ALPINE cost model), digital against tightly coupled with --compare, the
// paper's figures beside aimc's with --paper, and the fit of the calibrated
// keys with --calibrate. `cmd_timing` hands over when --hw names an ALPINE
// description.
#include <cstdio>

#include "demos/aimc/cli_common.h"
#include "demos/aimc/commands.h"
#include "engine/error.h"
#include "engine/model.h"
#include "engine/onnx_import.h"
#include "engine/timing/graph_layers.h"
#include "models/specs/alpine_specs.h"
#include "models/studies/alpine_paper.h"
#include "models/studies/alpine_report.h"

namespace aimc::cli {
namespace {

void add_alpine_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options()
      ("hw", "alpine-hp, alpine-lp or an ALPINE hardware JSON (\"system\": \"alpine\")",
       cxxopts::value<std::string>())
      ("spec", "workload: alpine-mlp, alpine-lstm, cnn-f, cnn-m or cnn-s",
       cxxopts::value<std::string>()->default_value("alpine-mlp"))
      ("model", "an ONNX model instead of a spec (MLPs, LSTMs, CNNs)",
       cxxopts::value<std::string>())
      ("width", "alpine-mlp: layer width", cxxopts::value<int>()->default_value("1024"))
      ("layers", "alpine-mlp: matrix layers", cxxopts::value<int>()->default_value("2"))
      ("inputs", "alpine-lstm: input size", cxxopts::value<int>()->default_value("512"))
      ("hidden", "alpine-lstm: hidden size", cxxopts::value<int>()->default_value("512"))
      ("steps", "alpine-lstm: time steps", cxxopts::value<int>()->default_value("28"))
      ("lrn", "cnn-*: add Chatfield's LRN layers (TinyTensorLib's pipeline has none)")
      ("scenario", "digital (NEON), tc (tightly coupled tiles) or lc (loosely coupled "
       "accelerator)", cxxopts::value<std::string>()->default_value("tc"))
      ("mapping", "single, pipeline or split", cxxopts::value<std::string>()->default_value("single"))
      ("cores", "cores to use (default: the hardware's)", cxxopts::value<int>())
      ("tile", "tile rows and columns (0: sized to each layer; overrides the file)",
       cxxopts::value<int>())
      ("lc-interface", "lc: dma or mmio", cxxopts::value<std::string>()->default_value("dma"))
      ("freq-mhz", "core frequency (overrides the file)", cxxopts::value<double>())
      ("mvm-ns", "MVM latency (overrides the file)", cxxopts::value<double>())
      ("compare", "digital against the scenario, per layer, with speed-up and energy gain")
      ("paper", "the paper's figures beside aimc's, with the configuration behind each")
      ("calibrate", "fit the calibrated keys to the paper's MLP figures and print them")
      ("json", "write the report as JSON", cxxopts::value<std::string>())
      ("csv", "write the per-layer table as CSV", cxxopts::value<std::string>())
      ("h,help", "show this help");
  // clang-format on
}

AlpineHardware hardware(const cxxopts::ParseResult& args) {
  AlpineHardware h = load_alpine_hardware(args["hw"].as<std::string>());
  if (args.count("freq-mhz")) {
    h.freq_mhz = args["freq-mhz"].as<double>();
    if (!(h.freq_mhz >= 1 && h.freq_mhz <= 10000)) throw bad_input("--freq-mhz", "must be 1-10000");
  }
  if (args.count("mvm-ns")) {
    h.mvm_ns = args["mvm-ns"].as<double>();
    if (!(h.mvm_ns > 0)) throw bad_input("--mvm-ns", "must be positive");
  }
  if (args.count("tile")) {
    const int t = args["tile"].as<int>();
    if (t < 0 || t > 65536) throw bad_input("--tile", "must be 0-65536");
    h.tile_rows = h.tile_cols = t;
  }
  return h;
}

std::vector<timing::LayerShape> workload(const cxxopts::ParseResult& args) {
  if (args.count("model"))
    return timing::layers_from_graph(
        prepare_graph(import_onnx_file(args["model"].as<std::string>()), ModelOptions{}));
  models::MlpSpec mlp{args["width"].as<int>(), args["layers"].as<int>()};
  models::LstmSpec lstm{args["inputs"].as<int>(), args["hidden"].as<int>(),
                        args["steps"].as<int>()};
  return models::alpine_spec(args["spec"].as<std::string>(), mlp, lstm, args.count("lrn") > 0);
}

int paper_or_calibration(const cxxopts::ParseResult& args, const std::string& json_path) {
  const models::AlpinePoints points = models::alpine_points();
  if (args.count("calibrate")) {
    const models::Calibration c = models::calibrate_alpine(points);
    std::printf(
        "fitted to the MLP figures only (12.8x tightly coupled, 4.1x loosely coupled):\n"
        "sw_int8_mac_per_cycle  %.4f\nlc_driver_overhead_us  %.4f\n",
        c.mac_per_cycle, c.lc_driver_overhead_us);
    if (!json_path.empty())
      write_json(json_path, {{"sw_int8_mac_per_cycle", c.mac_per_cycle},
                             {"lc_driver_overhead_us", c.lc_driver_overhead_us}});
    return 0;
  }
  const models::AlpinePaperComparison p = models::alpine_paper_comparison(points);
  std::fputs(p.table.c_str(), stdout);
  if (!json_path.empty()) write_json(json_path, p.json);
  return 0;
}

}  // namespace

int cmd_timing_alpine(int argc, char** argv) {
  cxxopts::Options options("aimc timing --hw alpine-hp",
                           "Cycles, instructions and energy per layer on ALPINE's cores and tiles");
  add_alpine_options(options);
  const auto args = parse_options(options, argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", options.help().c_str());
    return 0;
  }
  const std::string json_path = args.count("json") ? args["json"].as<std::string>() : "";
  if (args.count("paper") || args.count("calibrate")) return paper_or_calibration(args, json_path);
  const AlpineHardware h = hardware(args);
  timing::AlpineOptions o;
  o.scenario = timing::parse_alpine_scenario(args["scenario"].as<std::string>(), "--scenario");
  o.mapping = timing::parse_alpine_mapping(args["mapping"].as<std::string>(), "--mapping");
  o.loose = timing::parse_loose_interface(args["lc-interface"].as<std::string>(), "--lc-interface");
  if (args.count("cores")) {
    o.cores = args["cores"].as<int>();
    if (o.cores < 1 || o.cores > h.cores)
      throw bad_input("--cores", "must be 1-" + std::to_string(h.cores) + " (the hardware's)");
  }
  const auto layers = workload(args);
  const timing::AlpineReport r = models::cost_alpine(layers, h, o);
  nlohmann::json j;
  if (args.count("compare")) {
    if (o.scenario == timing::AlpineScenario::kDigital)
      throw bad_input("--compare", "compares digital against tc or lc: give --scenario tc or lc");
    timing::AlpineOptions d = o;
    d.scenario = timing::AlpineScenario::kDigital;
    const timing::AlpineReport digital = models::cost_alpine(layers, h, d);
    std::fputs(models::alpine_compare_table(digital, r).c_str(), stdout);
    j = models::alpine_compare_json(digital, r);
  } else {
    std::fputs(models::alpine_table(r).c_str(), stdout);
    j = models::alpine_json(r);
  }
  if (!json_path.empty()) {
    j["hardware"] = alpine_hardware_to_json(h);
    write_json(json_path, j);
  }
  if (args.count("csv"))
    write_file_atomically(args["csv"].as<std::string>(), models::alpine_csv(r));
  return 0;
}

}  // namespace aimc::cli
