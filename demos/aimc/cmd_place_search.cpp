// aimc place --max-drop P: the cheapest placement (energy per image on the
// seed cluster) whose top-1 on the calibration split is within P points of
// digital (models/studies/placement_search.h), written as a placement file
// for --placement and reported against all-digital and all-analog.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "demos/aimc/cli_common.h"
#include "demos/aimc/commands.h"
#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "engine/passes/placement_file.h"
#include "models/data/shared_paths.h"
#include "models/studies/placement_search.h"
#include "models/studies/weight_quantization.h"

namespace aimc::cli {
namespace {

double max_drop_points(const cxxopts::ParseResult& args) {
  const std::string text = args["max-drop"].as<std::string>();
  double p = -1;
  std::size_t used = 0;
  try {
    p = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !std::isfinite(p) || p < 0 || p > 100)
    throw bad_input("--max-drop", "must be a number of top-1 points in [0, 100]");
  return p;
}

nlohmann::json cost_json(const models::PlacementCost& c, double top1) {
  return {{"analog_layers", c.analog_layers},
          {"top1", top1},
          {"energy_uj", c.energy_uj},
          {"latency_ms", c.latency_ms},
          {"arrays", c.arrays}};
}

void print_report(const models::PlacementSearchResult& r) {
  if (r.all_at_once) {
    std::printf("every layer that saves energy on the crossbar fits at once: no search needed\n");
  } else {
    std::printf("%-32s %-10s %10s %10s %8s %s\n", "layer (greedy order)", "op", "drop alone",
                "saved uJ", "top-1", "kept");
    for (const auto& s : r.greedy.steps)
      std::printf("%-32s %-10s %+10.4f %10.2f %8.4f %s\n", s.layer.name.c_str(), s.layer.op.c_str(),
                  s.layer.drop, s.layer.energy_saved_uj, s.top1, s.kept ? "yes" : "no");
  }
  for (const auto& c : r.candidates)
    if (!(c.energy_saved_uj > 0))
      std::printf("%s stays digital: %.2f uJ on the crossbar against the cores\n", c.name.c_str(),
                  -c.energy_saved_uj);
  std::printf("\n%-28s %6s %8s %10s %10s %7s\n", "placement", "analog", "top-1", "uJ/image",
              "ms/image", "arrays");
  const auto row = [](const char* name, const models::PlacementCost& c, double top1) {
    std::printf("%-28s %6d %8.4f %10.1f %10.3f %7d\n", name, c.analog_layers, top1, c.energy_uj,
                c.latency_ms, c.arrays);
  };
  row("all digital", r.all_digital, r.digital_top1);
  row("every saving layer analog", r.every_saving_layer, r.every_saving_layer_top1);
  row("found", r.chosen, r.greedy.top1);
}

nlohmann::json report_json(const models::PlacementSearchResult& r) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& c : r.candidates) {
    nlohmann::json l = {{"name", c.name},
                        {"op", c.op},
                        {"energy_saved_uj", c.energy_saved_uj},
                        {"drop", r.sensitivities_measured ? nlohmann::json(c.drop) : nullptr}};
    const auto step = std::find_if(r.greedy.steps.begin(), r.greedy.steps.end(),
                                   [&](const auto& s) { return s.layer.name == c.name; });
    if (step != r.greedy.steps.end()) l["top1_when_added"] = step->top1;
    l["analog"] =
        std::find(r.greedy.analog.begin(), r.greedy.analog.end(), c.name) != r.greedy.analog.end();
    layers.push_back(l);
  }
  return {
      {"digital_top1", r.digital_top1},
      {"all_at_once", r.all_at_once},
      {"layers", layers},
      {"analog_layers", r.greedy.analog},
      {"placements",
       {{"all_digital", cost_json(r.all_digital, r.digital_top1)},
        {"every_saving_layer_analog", cost_json(r.every_saving_layer, r.every_saving_layer_top1)},
        {"found", cost_json(r.chosen, r.greedy.top1)}}}};
}

}  // namespace

int cmd_place_search(int argc, char** argv) {
  cxxopts::Options options(
      "aimc place --max-drop P",
      "The cheapest placement (energy per image on the seed cluster) whose top-1 on the "
      "calibration split of --calibration is within P points of digital: every layer that "
      "saves energy at once if that fits, else each layer alone on the crossbar, then layers "
      "added greedily by top-1 lost per energy saved");
  add_common_options(options);
  // clang-format off
  options.add_options("search")
      ("max-drop", "allowed top-1 drop from digital, in points (e.g. 2)", cxxopts::value<std::string>())
      ("labels", "labels file", cxxopts::value<std::string>())
      ("limit", "only the first N images of the calibration split", cxxopts::value<int>())
      ("batch", "images per batch", cxxopts::value<int>()->default_value("8"))
      ("hw", "hardware description JSON for the energy and latency", cxxopts::value<std::string>())
      ("out", "placement JSON to write (for --placement)", cxxopts::value<std::string>());
  // clang-format on
  const auto args = parse_options(options, argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", options.help().c_str());
    return 0;
  }
  if (!args.count("out")) throw bad_input("--out", "is required");
  const double max_drop = max_drop_points(args);
  CommonSettings s = common_settings(args);
  if (!s.placement_path.empty())
    throw bad_input("--placement", "the search decides the placement itself");
  imply_analog_mode(s, args);
  const Hardware hw = args.count("hw") ? load_hardware(args["hw"].as<std::string>()) : Hardware{};
  const std::string labels =
      args.count("labels") ? args["labels"].as<std::string>() : models::default_labels_path();
  models::EvaluationSet set =
      models::calibration_split_set({"", s.calibration_source, s.calibration_every,
                                     args.count("limit") ? positive_int(args, "limit") : 0},
                                    models::load_labels(labels));
  const models::LayerSensitivity study(
      s.model_path, std::move(set.images),
      {s.analog, s.kernels, s.calibration_source, s.calibration_every, s.threads,
       positive_int(args, "batch"), s.preprocessing});
  std::fprintf(stderr,
               "place: %zu layers can go analog; searching on %d images%s, max drop %g points\n",
               study.layers().size(), study.image_count(), set.note.c_str(), max_drop);
  ProgressBar sensitivity("sensitivity"), search("search");
  const auto r = models::search_placement(
      study, hw, max_drop / 100, [&](const std::string& stage, int done, int of) {
        (stage == "search" ? search : sensitivity).update(done, of);
      });
  print_report(r);
  const std::string out = args["out"].as<std::string>();
  write_json(out, placement_json(r.placed));
  std::printf("placement written to %s (aimc eval --mode analog --placement %s ...)\n", out.c_str(),
              out.c_str());
  if (!s.json_path.empty()) {
    nlohmann::json j = report_json(r);
    j.update({{"model", s.model_path},
              {"search_images", study.image_count()},
              {"calibration_split", set.calibration_split},
              {"max_drop_points", max_drop},
              {"seed", s.analog.seed},
              {"config", analog_config_to_json(s.analog)},
              {"preprocess", models::preprocessing_to_json(s.preprocessing)},
              {"placement_file", out}});
    if (study.gptq().used) j["gptq"] = models::gptq_record(study.gptq());
    write_json(s.json_path, j);
  }
  return 0;
}

}  // namespace aimc::cli
