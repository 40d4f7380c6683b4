// aimc eval: top-1/top-5 and images/s over a labelled image set, or over the
// evaluation half of an MNIST IDX file (models/studies/mnist_evaluation.h).
#include <cstdio>

#include "demos/aimc/cli_common.h"
#include "demos/aimc/commands.h"
#include "demos/aimc/run_timing.h"
#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "models/data/mnist.h"
#include "models/studies/evaluate.h"
#include "models/studies/mnist_evaluation.h"

namespace aimc::cli {
namespace {

// What one evaluation produced, whatever its images were.
struct EvalRun {
  models::EvalResult result;
  std::string images_source, labels_path;
  std::string note;  // the split, appended to the image count
  nlohmann::json calibration_split;
  std::string preproc_line;  // "name (origin)"
  nlohmann::json preprocess;
  std::vector<std::string> calibration_images;
  models::GptqUse gptq;
};

void report(const cxxopts::ParseResult& args, const CommonSettings& s, const Model& model,
            const EvalRun& run, int batch) {
  const models::EvalResult& r = run.result;
  const double top1 = r.images ? double(r.top1) / r.images : 0;
  const double top5 = r.images ? double(r.top5) / r.images : 0;
  std::printf(
      "model   %s\nmode    %s\npreproc %s\nimages  %d%s\ntop-1   %d/%d = %.4f\ntop-5   %d/%d "
      "= %.4f\nspeed   %.1f images/s (%d threads, batch %d, incl. decoding)\n",
      s.model_path.c_str(), exec_mode_name(s.mode).c_str(), run.preproc_line.c_str(), r.images,
      run.note.c_str(), r.top1, r.images, top1, r.top5, r.images, top5, r.images_per_second(),
      s.threads, batch);
  const nlohmann::json cluster = report_run_timing(args, model);
  if (s.json_path.empty()) return;
  nlohmann::json j = {{"model", s.model_path},
                      {"mode", exec_mode_name(s.mode)},
                      {"images", r.images},
                      {"top1", top1},
                      {"top5", top5},
                      {"top1_count", r.top1},
                      {"top5_count", r.top5},
                      {"images_per_second", r.images_per_second()},
                      {"seed", s.seed},
                      {"calibration_split", run.calibration_split},
                      {"config",
                       {{"threads", s.threads},
                        {"batch", batch},
                        {"labels", run.labels_path},
                        {"images_source", run.images_source},
                        {"preprocess", run.preprocess}}}};
  // The full effective analog configuration and calibration, so a result
  // can be reproduced.
  if (s.mode == ExecMode::kAnalog) {
    const nlohmann::json a = analog_record(s, model, run.calibration_images, run.gptq);
    j["config"]["analog"] = a["config"];
    if (a.contains("calibration")) j["config"]["calibration"] = a["calibration"];
    if (a.contains("gptq")) j["config"]["gptq"] = a["gptq"];
  }
  if (!cluster.is_null()) j["timing"] = cluster;
  if (const auto f = float_nodes_record(model); !f.is_null()) j["float_nodes"] = f;
  write_json(s.json_path, j);
}

// MNIST: the second half of the IDX file, calibrated on the first half only.
int eval_idx(const cxxopts::ParseResult& args, CommonSettings& s, const models::EvalOptions& eo) {
  if (args.count("calibration") || args.count("preprocess")) {
    throw bad_input(args.count("calibration") ? "--calibration" : "--preprocess",
                    "does not apply to IDX images: they calibrate on the first half of the "
                    "same file and are read as pixel / 255");
  }
  EvalRun run;
  run.images_source = args["images"].as<std::string>();
  const std::string labels = args.count("labels") ? args["labels"].as<std::string>() : "";
  const int limit = args.count("limit") ? positive_int(args, "limit") : 0;
  const models::MnistEvaluation e = models::mnist_evaluation(run.images_source, labels, limit);
  // Anything that would calibrate from an image directory (GPTQ) is pointed
  // at the IDX file, which refuses it, rather than at the shared images.
  s.calibration_source = run.images_source;
  LoadedModel loaded = load_uncalibrated_model(s);
  const Shape sample = models::mnist_sample_shape(loaded.model.graph(), e.data);
  run.calibration_images =
      models::calibrate_on_mnist(loaded.model, e, s.analog.calibration_images, s.threads);
  run.gptq = loaded.gptq;
  run.labels_path = e.data.labels_path;
  run.note = e.note;
  run.calibration_split = e.calibration_split;
  run.preproc_line = "idx: x = pixel / 255 (float32), samples of " + shape_str(sample);
  run.preprocess = {{"name", "idx"}, {"x", "pixel / 255, float32"}, {"sample_shape", sample}};
  {
    ProgressBar bar("eval");
    run.result = models::evaluate_mnist(loaded.model, e, eo,
                                        [&](int done, int total) { bar.update(done, total); });
  }
  report(args, s, loaded.model, run, eo.batch);
  return 0;
}

}  // namespace

int cmd_eval(int argc, char** argv) {
  cxxopts::Options options("aimc eval", "Top-1/top-5 accuracy and images/s over labelled images");
  add_common_options(options);
  add_timing_options(options);
  options.add_options()(
      "images",
      "image directory (synset-prefixed names or ImageFolder), file,index CSV, or an MNIST IDX "
      "image file (e.g. t10k-images-idx3-ubyte.gz: its second half is evaluated, its first half "
      "calibrates)",
      cxxopts::value<std::string>())(
      "labels",
      "labels file, one 'synset name' line per class (for IDX images: the IDX label file, "
      "default the one beside)",
      cxxopts::value<std::string>())("limit", "evaluate only the first N evaluation images",
                                     cxxopts::value<int>())(
      "batch", "images per batch", cxxopts::value<int>()->default_value("8"));
  const auto args = parse_options(options, argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", options.help().c_str());
    return 0;
  }
  CommonSettings s = common_settings(args);
  models::EvalOptions eo;
  eo.batch = positive_int(args, "batch");
  eo.threads = s.threads;
  if (args.count("images") && models::is_idx_file(args["images"].as<std::string>()))
    return eval_idx(args, s, eo);
  const EvaluationImages e = evaluation_images(args, s.calibration_source, s.calibration_every);
  LoadedModel loaded = load_model(s);
  models::check_preprocessing_fits(s.preprocessing, loaded.model);
  const models::Classifier classifier(std::move(loaded.model), s.preprocessing);
  EvalRun run;
  {
    ProgressBar bar("eval");
    run.result = models::evaluate(classifier, e.set.images, eo,
                                  [&](int done, int total) { bar.update(done, total); });
  }
  run.images_source = e.source;
  run.labels_path = e.labels_path;
  run.note = e.set.note;
  run.calibration_split = e.set.calibration_split;
  run.preproc_line = s.preprocessing.name + " (" + s.preprocessing.origin + ")";
  run.preprocess = models::preprocessing_to_json(s.preprocessing);
  run.calibration_images = loaded.calibration_images;
  run.gptq = loaded.gptq;
  report(args, s, classifier.model(), run, eo.batch);
  return 0;
}

}  // namespace aimc::cli
