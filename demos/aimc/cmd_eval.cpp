// aimc eval: top-1/top-5 and images/s over a labelled image set.
#include <cstdio>

#include "demos/aimc/cli_common.h"
#include "demos/aimc/commands.h"
#include "demos/aimc/run_timing.h"
#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "models/studies/evaluate.h"

namespace aimc::cli {

int cmd_eval(int argc, char** argv) {
  cxxopts::Options options("aimc eval", "Top-1/top-5 accuracy and images/s over labelled images");
  add_common_options(options);
  add_timing_options(options);
  options.add_options()("images",
                        "image directory (synset-prefixed names or ImageFolder) or file,index CSV",
                        cxxopts::value<std::string>())(
      "labels", "labels file, one 'synset name' line per class", cxxopts::value<std::string>())(
      "limit", "evaluate only the first N evaluation images", cxxopts::value<int>())(
      "batch", "images per batch", cxxopts::value<int>()->default_value("8"));
  const auto args = parse_options(options, argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", options.help().c_str());
    return 0;
  }
  const CommonSettings s = common_settings(args);
  const EvaluationImages e = evaluation_images(args, s.calibration_source, s.calibration_every);
  const std::vector<models::LabeledImage>& images = e.set.images;
  models::EvalOptions eo;
  eo.batch = positive_int(args, "batch");
  eo.threads = s.threads;
  LoadedModel loaded = load_model(s);
  models::check_preprocessing_fits(s.preprocessing, loaded.model);
  const models::Classifier classifier(std::move(loaded.model), s.preprocessing);
  models::EvalResult r;
  {
    ProgressBar bar("eval");
    r = models::evaluate(classifier, images, eo,
                         [&](int done, int total) { bar.update(done, total); });
  }
  const double top1 = r.images ? double(r.top1) / r.images : 0;
  const double top5 = r.images ? double(r.top5) / r.images : 0;
  std::printf(
      "model   %s\nmode    %s\npreproc %s (%s)\nimages  %d%s\ntop-1   %d/%d = %.4f\ntop-5   %d/%d "
      "= %.4f\nspeed   %.1f images/s (%d threads, batch %d, incl. decoding)\n",
      s.model_path.c_str(), exec_mode_name(s.mode).c_str(), s.preprocessing.name.c_str(),
      s.preprocessing.origin.c_str(), r.images, e.set.note.c_str(), r.top1, r.images, top1, r.top5,
      r.images, top5, r.images_per_second(), s.threads, eo.batch);
  const nlohmann::json cluster = report_run_timing(args, classifier.model());
  if (!s.json_path.empty()) {
    nlohmann::json j = {{"model", s.model_path},
                        {"mode", exec_mode_name(s.mode)},
                        {"images", r.images},
                        {"top1", top1},
                        {"top5", top5},
                        {"top1_count", r.top1},
                        {"top5_count", r.top5},
                        {"images_per_second", r.images_per_second()},
                        {"seed", s.seed},
                        {"calibration_split", e.set.calibration_split},
                        {"config",
                         {{"threads", s.threads},
                          {"batch", eo.batch},
                          {"labels", e.labels_path},
                          {"images_source", e.source},
                          {"preprocess", models::preprocessing_to_json(s.preprocessing)}}}};
    // The full effective analog configuration and calibration, so a result
    // can be reproduced.
    if (s.mode == ExecMode::kAnalog) {
      const nlohmann::json a =
          analog_record(s, classifier.model(), loaded.calibration_images, loaded.gptq);
      j["config"]["analog"] = a["config"];
      if (a.contains("calibration")) j["config"]["calibration"] = a["calibration"];
      if (a.contains("gptq")) j["config"]["gptq"] = a["gptq"];
    }
    if (!cluster.is_null()) j["timing"] = cluster;
    if (const auto f = float_nodes_record(classifier.model()); !f.is_null()) j["float_nodes"] = f;
    write_json(s.json_path, j);
  }
  return 0;
}

}  // namespace aimc::cli
