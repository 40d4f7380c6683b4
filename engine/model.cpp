#include "engine/model.h"

#include <algorithm>

#include "engine/error.h"
#include "engine/kernels/float/float_depthwise_block.h"
#include "engine/onnx_import.h"
#include "engine/passes/fold_batchnorm.h"
#include "engine/passes/fuse_conv_add.h"
#include "engine/passes/fuse_conv_clip.h"
#include "engine/passes/fuse_depthwise_block.h"
#include "engine/passes/infer_shapes.h"
#include "engine/passes/lower_qdq.h"

namespace aimc {

ExecMode parse_exec_mode(const std::string& name) {
  if (name == "digital") return ExecMode::kDigital;
  if (name == "float") return ExecMode::kFloat;
  if (name == "analog") return ExecMode::kAnalog;
  throw bad_input("--mode", "unknown mode '" + name + "' (expected digital, float or analog)");
}

std::string exec_mode_name(ExecMode m) {
  switch (m) {
    case ExecMode::kDigital:
      return "digital";
    case ExecMode::kFloat:
      return "float";
    case ExecMode::kAnalog:
      return "analog";
  }
  return "?";
}

Model::Model(Executor executor, ExecMode mode, int lowered_ops,
             std::shared_ptr<const AnalogConfig> analog)
    : executor_(std::move(executor)),
      mode_(mode),
      lowered_ops_(lowered_ops),
      analog_(std::move(analog)) {
  const Graph& g = executor_.graph();
  for (const auto& out : g.outputs) {
    const int p = g.producer(out);
    int8_output_names_.push_back(
        p >= 0 && g.nodes[p].op_type == "QDequantize" ? g.nodes[p].inputs[0] : "");
  }
}

Model Model::from_graph(Graph graph, const ModelOptions& options) {
  std::shared_ptr<const Graph> source;
  if (options.mode == ExecMode::kAnalog && options.analog.adc_range == AdcRangeMode::kCalibrated &&
      options.analog.adc_calibrated_at == AdcCalibrationTime::kAtProgramming)
    source = std::make_shared<const Graph>(graph);
  // Shapes first: contradictions are refused at load time, naming the node,
  // and every value carries its static shape (batch -1) for later passes.
  infer_shapes(graph);
  int lowered = 0;
  KernelOptions kernels = options.kernels;
  if (options.mode != ExecMode::kFloat) lowered = lower_qdq(graph).lowered_ops;
  // Analog mode: a QDQ model's integer layers, or a float model's Conv and
  // Gemm layers (aihwkit style), run on crossbar tiles.
  if (options.mode == ExecMode::kAnalog)
    kernels.analog = std::make_shared<const AnalogConfig>(options.analog);
  fold_batchnorm_into_conv(graph);
  if (options.mode == ExecMode::kFloat) {
    fuse_conv_clip(graph);
    fuse_conv_add(graph);  // after the clip: Conv -> Clip -> Add fuses whole
    // After both: the 1x1 convs carry their clips, the projection its Add.
    if (floatk::depthwise_block_supported()) fuse_depthwise_blocks(graph);
  }
  Model m(Executor(std::move(graph), kernels), options.mode, lowered, kernels.analog);
  m.source_ = std::move(source);
  m.options_ = options;
  return m;
}

Model Model::load(const std::string& path, const ModelOptions& options) {
  return from_graph(import_onnx_file(path), options);
}

ModelOutputs Model::run(const std::vector<Tensor>& inputs, const RunContext& ctx,
                        const LayerObserver& observer) const {
  ModelOutputs result;
  result.int8_outputs.resize(int8_output_names_.size());
  const bool want_int8 = std::any_of(int8_output_names_.begin(), int8_output_names_.end(),
                                     [](const std::string& s) { return !s.empty(); });
  LayerObserver capture = observer;
  if (want_int8) {
    capture = [&](const Node& node, std::span<const Tensor> outs) {
      for (std::size_t k = 0; k < node.outputs.size(); ++k) {
        for (std::size_t o = 0; o < int8_output_names_.size(); ++o) {
          if (!int8_output_names_[o].empty() && node.outputs[k] == int8_output_names_[o]) {
            result.int8_outputs[o] = outs[k];
          }
        }
      }
      if (observer) observer(node, outs);
    };
  }
  RunContext with_ranges = ctx;
  if (!with_ranges.calibration) with_ranges.calibration = &calibration_;
  result.outputs = executor_.run(inputs, with_ranges, capture);
  return result;
}

bool Model::needs_calibration() const {
  return analog_ && analog_->adc_range == AdcRangeMode::kCalibrated;
}

void Model::calibrate(const std::vector<Tensor>& inputs, int threads) {
  if (!needs_calibration()) return;
  if (source_) {
    ModelOptions fresh_chip = options_;
    fresh_chip.analog = calibration_chip(options_.analog);
    Model twin = from_graph(*source_, fresh_chip);
    twin.calibrate(inputs, threads);
    calibration_ = twin.calibration_;
    return;
  }
  AdcCalibration fresh;
  RunContext ctx;
  ctx.threads = threads;
  ctx.calibration_sink = &fresh;
  // Calibration images get their own image indices (far beyond any data
  // set's), so their per-MVM noise never repeats an evaluated image's.
  ctx.first_image = int64_t{1} << 31;
  executor_.run(inputs, ctx);
  calibration_ = std::move(fresh);
}

std::optional<QuantParams> Model::input_quant() const {
  const Graph& g = graph();
  if (g.inputs.empty()) return std::nullopt;
  for (int c : g.consumers(g.inputs[0])) {
    if (g.nodes[c].op_type == "QQuantize") {
      const auto& v = g.values.at(g.nodes[c].outputs[0]);
      if (v.quant) return v.quant;
    }
  }
  return std::nullopt;
}

Shape Model::input_shape(std::size_t i) const {
  const Graph& g = graph();
  auto it = g.values.find(g.inputs.at(i));
  return it == g.values.end() ? Shape{} : it->second.shape;
}

}  // namespace aimc
