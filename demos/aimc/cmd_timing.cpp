// aimc timing: per-layer cycles, time and energy of a network on the seed
// cluster (docs/ARCHITECTURE.md, Cluster timing model) for a mapping
// scenario or a run's own placement, or the Bottleneck comparison over all
// scenarios. The work is in models/studies/timing_report.
#include <cstdio>

#include "demos/aimc/cli_common.h"
#include "demos/aimc/commands.h"
#include "engine/error.h"
#include "engine/hardware/alpine_hardware.h"
#include "models/studies/timing_report.h"

namespace aimc::cli {

namespace {

// The value of --hw (either "--hw X" or "--hw=X"), or empty.
std::string hw_argument(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--hw" && i + 1 < argc) return argv[i + 1];
    if (a.rfind("--hw=", 0) == 0) return a.substr(5);
  }
  return "";
}

}  // namespace

int cmd_timing(int argc, char** argv) {
  const std::string hw_spec = hw_argument(argc, argv);
  if (!hw_spec.empty() && is_alpine_hardware(hw_spec)) return cmd_timing_alpine(argc, argv);
  cxxopts::Options options("aimc timing",
                           "Cycles, time and energy per layer on the 8-core IMA cluster");
  // clang-format off
  options.add_options()
      ("spec", "programmatic network: mobilenetv2, mobilenetv2-paper or bottleneck",
       cxxopts::value<std::string>())
      ("model", "an ONNX model instead of a spec (every node; those it cannot cost are listed)",
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

  const std::string json_path = args.count("json") ? args["json"].as<std::string>() : "";
  if (args.count("bottleneck")) {
    const models::BottleneckComparison b = models::bottleneck_comparison(hw);
    std::fputs(b.table.c_str(), stdout);
    if (!json_path.empty())
      write_json(json_path, {{"bottleneck", b.json}, {"hardware", timing::hardware_to_json(hw)}});
    return 0;
  }
  if (args.count("spec") && args.count("model"))
    throw bad_input("--model", "give either --model or --spec");
  models::TimingRequest request;
  if (args.count("model")) request.model_path = args["model"].as<std::string>();
  if (args.count("spec")) request.spec = args["spec"].as<std::string>();
  if (args.count("scenario")) request.scenario = args["scenario"].as<std::string>();
  if (args.count("mode")) request.mode = args["mode"].as<std::string>();
  request.analog = args["analog"].as<std::string>();
  if (args.count("set")) request.sets = args["set"].as<std::vector<std::string>>();
  if (args.count("placement")) request.placement_path = args["placement"].as<std::string>();

  const models::PlacedNetwork net = models::placed_network(request, hw);
  const timing::TimingReport r = timing::estimate(net.layers, hw, net.system);
  std::fputs(models::timing_table(r, net.label).c_str(), stdout);
  if (!json_path.empty()) {
    nlohmann::json j = models::timing_json(r, net.label);
    j["spec"] = request.model_path.empty() ? request.spec : request.model_path;
    j["hardware"] = timing::hardware_to_json(hw);
    write_json(json_path, j);
  }
  if (args.count("csv"))
    write_file_atomically(args["csv"].as<std::string>(), models::timing_csv(r));
  return 0;
}

}  // namespace aimc::cli
