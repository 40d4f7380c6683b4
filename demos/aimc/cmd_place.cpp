// aimc place: the placement pass's decision for every layer, as JSON to
// edit by hand and give back with --placement.
#include <cstdio>
#include <map>
#include <string_view>

#include "demos/aimc/cli_common.h"
#include "demos/aimc/commands.h"
#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "engine/onnx_import.h"
#include "engine/passes/placement_file.h"
#include "engine/passes/scenarios.h"
#include "models/data/shared_paths.h"

namespace aimc::cli {

int cmd_place(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]).starts_with("--max-drop")) return cmd_place_search(argc, argv);
  cxxopts::Options options(
      "aimc place",
      "Where each layer runs (conv, Gemm, MatMul, recurrent, add and pool nodes), as "
      "JSON for --placement. With --max-drop P: search the cheapest placement within P "
      "points of digital (aimc place --max-drop 1 --help)");
  // clang-format off
  options.add_options()
      ("model", "ONNX model (default: the shared MobileNetV2)", cxxopts::value<std::string>())
      ("mode", "digital, float or analog", cxxopts::value<std::string>()->default_value("digital"))
      ("analog", "analog configuration for --mode analog: a preset or a JSON file",
       cxxopts::value<std::string>()->default_value("ideal"))
      ("set", "override one analog configuration key, key=value (repeatable)",
       cxxopts::value<std::vector<std::string>>())
      ("placement", "start from this placement JSON instead of the pass's alone",
       cxxopts::value<std::string>())
      ("scenario", "place as a timing scenario does (cores, ima-cjob8, ima-cjob16, hybrid, "
       "ima+dw, multi-array) instead of as a run of --mode", cxxopts::value<std::string>())
      ("hw", "hardware description JSON (tile size of --scenario)", cxxopts::value<std::string>())
      ("out", "placement JSON to write", cxxopts::value<std::string>())
      ("h,help", "show this help");
  // clang-format on
  const auto args = parse_options(options, argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", options.help().c_str());
    return 0;
  }
  if (!args.count("out")) throw bad_input("--out", "is required");
  ModelOptions opt;
  opt.mode = parse_exec_mode(args["mode"].as<std::string>());
  if (opt.mode == ExecMode::kAnalog) {
    std::vector<std::string> sets;
    if (args.count("set")) sets = args["set"].as<std::vector<std::string>>();
    opt.analog = load_analog_config(args["analog"].as<std::string>(), sets);
  }
  const PlacementOverrides overrides = args.count("placement")
                                           ? load_placement(args["placement"].as<std::string>())
                                           : PlacementOverrides{};
  // A scenario replaces the mode's placement: the file applies over the scenario's.
  if (!args.count("scenario")) opt.placement = overrides;
  const std::string model = args.count("model")            ? args["model"].as<std::string>()
                            : opt.mode == ExecMode::kFloat ? models::default_float_model_path()
                                                           : models::default_model_path();
  Graph g = prepare_graph(import_onnx_file(model), opt);
  if (args.count("scenario")) {
    const timing::Hardware hw =
        args.count("hw") ? timing::load_hardware(args["hw"].as<std::string>()) : timing::Hardware{};
    const auto sp =
        timing::scenario_placement(timing::parse_scenario(args["scenario"].as<std::string>()), hw);
    place(g, sp.policy, overrides);
  }
  const nlohmann::json j = placement_json(g);
  std::map<std::string, int> per_unit;
  for (const auto& l : j["layers"]) ++per_unit[l["unit"].get<std::string>()];
  std::printf("%s: %zu layers", model.c_str(), j["layers"].size());
  for (const auto& [unit, count] : per_unit) std::printf(", %d on %s", count, unit.c_str());
  std::printf("\n");
  write_json(args["out"].as<std::string>(), j);
  return 0;
}

}  // namespace aimc::cli
