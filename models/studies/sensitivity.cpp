#include "models/studies/sensitivity.h"

#include <algorithm>

#include "engine/error.h"
#include "engine/onnx_import.h"
#include "engine/timing/graph_layers.h"
#include "models/data/crops.h"
#include "models/studies/calibration.h"
#include "models/studies/evaluate.h"

namespace aimc::models {
namespace {

// The layers the configuration places on tiles, by name.
std::vector<AnalogLayer> analog_layers(const Graph& graph, const SensitivitySetup& s) {
  ModelOptions analog;
  analog.mode = ExecMode::kAnalog;
  analog.analog = s.analog;
  std::vector<AnalogLayer> layers;
  for (const auto& l : timing::layers_from_graph(prepare_graph(graph, analog)))
    if (on_crossbar(l.placement.unit)) layers.push_back({l.name, timing::layer_op_name(l.op)});
  if (layers.empty()) throw bad_input("--analog", "places no layer on the crossbar");
  return layers;
}

// The images' crops, once the preprocessing is known to fit the model.
std::vector<uint8_t> crops_of(const std::vector<LabeledImage>& images, const Graph& graph,
                              const SensitivitySetup& s) {
  check_preprocessing_fits(s.preprocessing, graph);
  std::vector<std::string> paths;
  for (const auto& im : images) paths.push_back(im.path);
  return load_crops(paths, s.threads, s.preprocessing);
}

}  // namespace

LayerSensitivity::LayerSensitivity(const std::string& model_path, std::vector<LabeledImage> images,
                                   SensitivitySetup setup)
    : setup_(std::move(setup)),
      images_(std::move(images)),
      graph_(import_onnx_file(model_path)),
      crops_(crops_of(images_, graph_, setup_)),
      layers_(analog_layers(graph_, setup_)) {
  ModelOptions all;
  all.mode = ExecMode::kAnalog;
  all.analog = setup_.analog;
  gptq_ = prepare_weight_levels(graph_, all,
                                {model_path, setup_.calibration, setup_.threads,
                                 setup_.preprocessing, setup_.calibration_every});
  levels_ = all.weight_levels;
}

double LayerSensitivity::top1(const ModelOptions& options) const {
  Model model = Model::from_graph(graph_, options);
  calibrate_on_images(model, setup_.calibration, options.analog.calibration_images, setup_.threads,
                      setup_.preprocessing, setup_.calibration_every);
  const Classifier classifier(std::move(model), setup_.preprocessing);
  return evaluate_crops(classifier, crops_, images_, {setup_.batch, setup_.threads}).top1_rate();
}

double LayerSensitivity::digital_top1() const {
  ModelOptions digital;
  digital.kernels.flavor = setup_.kernels;
  return top1(digital);
}

ModelOptions LayerSensitivity::options_with_analog(const std::vector<std::string>& analog) const {
  ModelOptions opt;
  opt.mode = ExecMode::kAnalog;
  opt.kernels.flavor = setup_.kernels;
  opt.analog = setup_.analog;
  opt.weight_levels = levels_;
  opt.analog.placement.analog_layers = analog;
  opt.analog.placement.digital_layers.clear();
  for (const auto& layer : layers_)
    if (std::find(analog.begin(), analog.end(), layer.name) == analog.end())
      opt.analog.placement.digital_layers.push_back(layer.name);
  return opt;
}

double LayerSensitivity::top1_with_analog(const std::vector<std::string>& analog) const {
  return top1(options_with_analog(analog));
}

std::vector<LayerCost> LayerSensitivity::costs(double digital_top1,
                                               const std::function<void(int)>& progress) const {
  std::vector<LayerCost> rows;
  for (const AnalogLayer& layer : layers_) {
    const double t1 = top1_with_analog({layer.name});
    rows.push_back({layer.name, layer.op, t1, digital_top1 - t1});
    if (progress) progress(static_cast<int>(rows.size()));
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const LayerCost& a, const LayerCost& b) { return a.drop > b.drop; });
  return rows;
}

}  // namespace aimc::models
