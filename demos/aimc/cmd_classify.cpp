// aimc classify: top-k classes of one or more images.
#include <cstdio>

#include "demos/aimc/cli_common.h"
#include "demos/aimc/commands.h"
#include "demos/aimc/run_timing.h"
#include "engine/error.h"
#include "models/data/labels.h"
#include "models/data/shared_paths.h"
#include "models/studies/evaluate.h"
#include "models/studies/topk.h"

namespace aimc::cli {

int cmd_classify(int argc, char** argv) {
  cxxopts::Options options("aimc classify", "Top-k classes of images");
  add_common_options(options);
  add_timing_options(options);
  options.add_options()("image", "image file(s) (.jpg/.png/.bmp)",
                        cxxopts::value<std::vector<std::string>>())(
      "labels", "labels file, one 'synset name' line per class", cxxopts::value<std::string>())(
      "top", "how many classes to show", cxxopts::value<int>()->default_value("5"));
  options.parse_positional({"image"});
  options.positional_help("IMAGE...");
  const auto args = parse_options(options, argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", options.help().c_str());
    return 0;
  }
  if (!args.count("image")) throw bad_input("--image", "give at least one image");
  const CommonSettings s = common_settings(args);
  const int k = positive_int(args, "top");
  const auto paths = args["image"].as<std::vector<std::string>>();
  const std::string labels_path =
      args.count("labels") ? args["labels"].as<std::string>() : models::default_labels_path();
  const models::Labels labels = models::load_labels(labels_path);
  LoadedModel loaded = load_model(s);
  models::check_preprocessing_fits(s.preprocessing, loaded.model);
  const models::Classifier classifier(std::move(loaded.model), s.preprocessing);
  const auto scores =
      models::image_scores(classifier.model(), paths, classifier.preprocessing(), s.threads);
  nlohmann::json results = nlohmann::json::array();
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (static_cast<int>(scores[i].size()) != labels.size()) {
      throw bad_input(labels_path, "has " + std::to_string(labels.size()) +
                                       " labels but the model gives " +
                                       std::to_string(scores[i].size()) + " classes");
    }
    const auto probs = models::softmax(scores[i]);
    std::printf("%s\n", paths[i].c_str());
    nlohmann::json top = nlohmann::json::array();
    for (int idx : models::top_k(scores[i], k)) {
      std::printf("  %5.1f%%  %4d  %s\n", 100.0 * probs[idx], idx, labels.name(idx).c_str());
      top.push_back({{"index", idx}, {"label", labels.name(idx)}, {"score", probs[idx]}});
    }
    results.push_back({{"image", paths[i]}, {"top", top}});
  }
  const nlohmann::json cluster = report_run_timing(args, classifier.model());
  if (!s.json_path.empty()) {
    nlohmann::json j = {{"results", results},
                        {"mode", exec_mode_name(s.mode)},
                        {"preprocess", models::preprocessing_to_json(s.preprocessing)}};
    if (!cluster.is_null()) j["timing"] = cluster;
    if (const auto f = float_nodes_record(classifier.model()); !f.is_null()) j["float_nodes"] = f;
    if (s.mode == ExecMode::kAnalog)
      j["analog"] = analog_record(s, classifier.model(), loaded.calibration_images, loaded.gptq);
    write_json(s.json_path, j);
  }
  return 0;
}

}  // namespace aimc::cli
