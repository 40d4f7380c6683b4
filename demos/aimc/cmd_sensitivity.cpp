// aimc sensitivity: the analog configuration on one layer at a time, every
// other layer exact (digital), and the top-1 each layer alone costs,
// sorted — where a network is fragile on the hardware
// (models/studies/sensitivity.h).
#include <cstdio>

#include "demos/aimc/cli_common.h"
#include "demos/aimc/commands.h"
#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "models/studies/sensitivity.h"
#include "models/studies/weight_quantization.h"

namespace aimc::cli {

int cmd_sensitivity(int argc, char** argv) {
  cxxopts::Options options("aimc sensitivity",
                           "Top-1 drop per layer with the analog configuration on that layer only");
  add_common_options(options);
  options.add_options()("images", "image directory or file,index CSV",
                        cxxopts::value<std::string>())("labels", "labels file",
                                                       cxxopts::value<std::string>())(
      "limit", "only the first N evaluation images", cxxopts::value<int>())(
      "batch", "images per batch", cxxopts::value<int>()->default_value("8"));
  const auto args = parse_options(options, argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", options.help().c_str());
    return 0;
  }
  CommonSettings s = common_settings(args);
  imply_analog_mode(s, args);
  EvaluationImages e = evaluation_images(args, s.calibration_source, s.calibration_every);
  const int batch = positive_int(args, "batch");
  if (!s.placement_path.empty())
    throw bad_input("--placement", "sensitivity places one layer at a time itself");
  const models::LayerSensitivity study(s.model_path, std::move(e.set.images),
                                       {s.analog, s.kernels, s.calibration_source,
                                        s.calibration_every, s.threads, batch, s.preprocessing});
  const int n = study.image_count(), count = static_cast<int>(study.layers().size());
  std::fprintf(stderr, "sensitivity: preprocessing %s (%s)\n", s.preprocessing.name.c_str(),
               s.preprocessing.origin.c_str());
  const double baseline = study.digital_top1();
  std::fprintf(stderr, "sensitivity: %d analog layers, %d images%s, digital top-1 %.4f\n", count, n,
               e.set.note.c_str(), baseline);
  ProgressBar bar("sensitivity");
  const auto rows = study.costs(baseline, [&](int done) { bar.update(done * n, count * n); });
  std::printf("%-32s %-10s %8s %8s\n", "layer", "op", "top-1", "drop");
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& r : rows) {
    std::printf("%-32s %-10s %8.4f %+8.4f\n", r.name.c_str(), r.op.c_str(), r.top1, r.drop);
    layers.push_back({{"name", r.name}, {"op", r.op}, {"top1", r.top1}, {"drop", r.drop}});
  }
  if (!s.json_path.empty()) {
    nlohmann::json j = {{"model", s.model_path},
                        {"images", n},
                        {"calibration_split", e.set.calibration_split},
                        {"digital_top1", baseline},
                        {"seed", s.analog.seed},
                        {"config", analog_config_to_json(s.analog)},
                        {"preprocess", models::preprocessing_to_json(s.preprocessing)},
                        {"layers", layers}};
    if (study.gptq().used) j["gptq"] = models::gptq_record(study.gptq());
    write_json(s.json_path, j);
  }
  return 0;
}

}  // namespace aimc::cli
