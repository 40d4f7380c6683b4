// aimc sensitivity: the analog configuration on one layer at a time, every
// other layer exact (digital), and the top-1 each layer alone costs,
// sorted — where a network is fragile on the hardware.
#include <algorithm>
#include <cstdio>
#include <thread>

#include "demos/aimc/cli_common.h"
#include "demos/aimc/commands.h"
#include "engine/analog/analog_config_json.h"
#include "engine/analog/placement.h"
#include "engine/error.h"
#include "engine/onnx_import.h"
#include "engine/timing/graph_layers.h"
#include "models/data/dataset.h"
#include "models/data/labels.h"
#include "models/data/shared_paths.h"
#include "models/studies/calibration.h"
#include "models/studies/classifier.h"
#include "models/studies/topk.h"

namespace aimc::cli {
namespace {

constexpr int64_t kCropBytes = 224 * 224 * 3;

LayerKind kind_of(timing::LayerOp op) {
  switch (op) {
    case timing::LayerOp::kConv:
      return LayerKind::kConv;
    case timing::LayerOp::kPointwise:
      return LayerKind::kPointwise;
    case timing::LayerOp::kDepthwise:
      return LayerKind::kDepthwise;
    case timing::LayerOp::kGemm:
      return LayerKind::kGemm;
    default:
      return LayerKind::kOther;
  }
}

}  // namespace

int cmd_sensitivity(int argc, char** argv) {
  cxxopts::Options options("aimc sensitivity",
                           "Top-1 drop per layer with the analog configuration on that layer only");
  add_common_options(options);
  options.add_options()("images", "image directory or file,index CSV",
                        cxxopts::value<std::string>())(
      "labels", "labels file", cxxopts::value<std::string>())("limit", "only the first N images",
                                                              cxxopts::value<int>())(
      "batch", "images per batch", cxxopts::value<int>()->default_value("8"));
  const auto args = parse_options(options, argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", options.help().c_str());
    return 0;
  }
  CommonSettings s = common_settings(args);
  if (s.mode != ExecMode::kAnalog) {
    // The command is about analog layers; --analog alone implies the mode.
    s.mode = ExecMode::kAnalog;
    std::vector<std::string> overrides;
    if (args.count("set")) overrides = args["set"].as<std::vector<std::string>>();
    s.analog = load_analog_config(args["analog"].as<std::string>(), overrides);
    if (args.count("seed")) s.analog.seed = args["seed"].as<uint64_t>();
    if (s.analog.adc_range == AdcRangeMode::kCalibrated && s.calibration_source.empty())
      s.calibration_source = models::default_images_dir();
  }
  const std::string labels_path =
      args.count("labels") ? args["labels"].as<std::string>() : models::default_labels_path();
  const std::string images_dir =
      args.count("images") ? args["images"].as<std::string>() : models::default_images_dir();
  const models::Labels labels = models::load_labels(labels_path);
  auto images = models::discover_images(images_dir, labels);
  if (args.count("limit")) {
    const int limit = positive_int(args, "limit");
    if (static_cast<int>(images.size()) > limit) images.resize(limit);
  }
  const int batch = positive_int(args, "batch");
  std::vector<std::string> paths;
  for (const auto& im : images) paths.push_back(im.path);
  const std::vector<uint8_t> crops = models::load_crops(paths, s.threads);
  const Graph graph = import_onnx_file(s.model_path);
  const int n = static_cast<int>(images.size());

  auto top1_of = [&](const ModelOptions& opt) {
    Model model = Model::from_graph(graph, opt);
    models::calibrate_on_images(model, s.calibration_source, opt.analog.calibration_images,
                                s.threads);
    const models::Classifier classifier(std::move(model));
    int top1 = 0;
    for (int first = 0; first < n; first += batch) {
      const int count = std::min(batch, n - first);
      const auto scores = classifier.scores(
          std::span<const uint8_t>(crops.data() + first * kCropBytes, count * kCropBytes), count,
          s.threads, first);
      for (int b = 0; b < count; ++b) {
        const auto top = models::top_k(scores[b], 1);
        top1 += !top.empty() && top[0] == images[first + b].class_index;
      }
    }
    return n ? double(top1) / n : 0.0;
  };

  // The layers the configuration places on tiles, by name.
  ModelOptions digital;
  digital.kernels.flavor = s.kernels;
  const Model reference = Model::from_graph(graph, digital);
  std::vector<std::pair<std::string, std::string>> candidates;  // name, op
  for (const auto& l : timing::layers_from_graph(reference.graph()))
    if (placed_on_analog(s.analog.placement, l.name, kind_of(l.op)))
      candidates.emplace_back(l.name, timing::layer_op_name(l.op));
  if (candidates.empty()) throw bad_input("--analog", "places no layer on the crossbar");

  const double baseline = top1_of(digital);
  std::fprintf(stderr, "sensitivity: %zu analog layers, %d images, digital top-1 %.4f\n",
               candidates.size(), n, baseline);
  struct Row {
    std::string name, op;
    double top1, drop;
  };
  std::vector<Row> rows;
  ProgressBar bar("sensitivity");
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    ModelOptions opt;
    opt.mode = ExecMode::kAnalog;
    opt.kernels.flavor = s.kernels;
    opt.analog = s.analog;
    opt.analog.placement.analog_layers = {candidates[i].first};
    opt.analog.placement.digital_layers.clear();
    for (const auto& other : candidates)
      if (other.first != candidates[i].first)
        opt.analog.placement.digital_layers.push_back(other.first);
    const double t1 = top1_of(opt);
    rows.push_back({candidates[i].first, candidates[i].second, t1, baseline - t1});
    bar.update(static_cast<int>((i + 1) * n), static_cast<int>(candidates.size() * n));
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.drop > b.drop; });
  std::printf("%-32s %-10s %8s %8s\n", "layer", "op", "top-1", "drop");
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& r : rows) {
    std::printf("%-32s %-10s %8.4f %+8.4f\n", r.name.c_str(), r.op.c_str(), r.top1, r.drop);
    layers.push_back({{"name", r.name}, {"op", r.op}, {"top1", r.top1}, {"drop", r.drop}});
  }
  if (!s.json_path.empty()) {
    write_json(s.json_path, {{"model", s.model_path},
                             {"images", n},
                             {"digital_top1", baseline},
                             {"seed", s.analog.seed},
                             {"config", analog_config_to_json(s.analog)},
                             {"layers", layers}});
  }
  return 0;
}

}  // namespace aimc::cli
