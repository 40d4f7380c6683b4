#include "engine/model.h"

#include <algorithm>
#include <set>

#include "engine/analog/analog_backend.h"
#include "engine/analog/gptq_levels.h"
#include "engine/analog/tiled_layer.h"
#include "engine/error.h"
#include "engine/kernels/float/float_depthwise_block.h"
#include "engine/kernels/int8/layout.h"
#include "engine/onnx_import.h"
#include "engine/passes/expand_qoperator.h"
#include "engine/passes/fold_batchnorm.h"
#include "engine/passes/fold_constants.h"
#include "engine/passes/fuse_conv_add.h"
#include "engine/passes/fuse_conv_clip.h"
#include "engine/passes/fuse_depthwise_block.h"
#include "engine/passes/infer_shapes.h"
#include "engine/passes/lower_dynamic.h"
#include "engine/passes/lower_qdq.h"
#include "engine/passes/requantize_data_movement.h"
#include "engine/passes/signed_activations.h"
#include "engine/passes/simplify_torch_export.h"

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

Model::Model(Executor executor, ExecMode mode, int lowered_ops, KernelOptions kernels)
    : kernels_(std::move(kernels)),
      executor_(std::move(executor)),
      mode_(mode),
      lowered_ops_(lowered_ops) {
  const Graph& g = executor_.graph();
  for (const auto& out : g.outputs) {
    const int p = g.producer(out);
    int8_output_names_.push_back(
        p >= 0 && g.nodes[p].op_type == "QDequantize" ? g.nodes[p].inputs[0] : "");
  }
}

Graph prepare_graph(Graph graph, const ModelOptions& options, int* lowered_ops) {
  // One quantized form for every pass after this: the QOperator form
  // becomes QDQ, and uint8 quantization int8 (both exact).
  expand_qoperator(graph);
  if (options.mode != ExecMode::kFloat) {
    simplify_torch_export(graph);  // first: the passes below read plain QDQ
    signed_activations(graph);
    requantize_data_movement(graph);
  }
  // Shapes first: contradictions are refused at load time, naming the node,
  // and every value carries its static shape (batch -1) for later passes.
  infer_shapes(graph);
  // Constant and batch-shape subgraphs become initializers (shapes re-inferred).
  fold_constants(graph);
  int lowered = 0;
  if (options.mode != ExecMode::kFloat) {
    enter_integer_inputs(graph);
    lowered = lower_qdq(graph).lowered_ops;
  }
  if (options.mode != ExecMode::kFloat) lowered += lower_dynamic(graph);
  fold_batchnorm_into_conv(graph);
  if (options.mode == ExecMode::kFloat) {
    fuse_conv_clip(graph);
    fuse_conv_add(graph);  // after the clip: Conv -> Clip -> Add fuses whole
    // After both: the 1x1 convs carry their clips, the projection its Add.
    if (floatk::depthwise_block_supported()) fuse_depthwise_blocks(graph);
  }
  // Last, on the graph the kernels will see: analog mode puts a QDQ model's
  // integer layers, or a float model's Conv and Gemm layers (aihwkit style),
  // on crossbar tiles as the configuration's placement says.
  place(graph, options.mode == ExecMode::kAnalog ? analog_policy(options.analog) : cores_policy(),
        options.placement);
  if (lowered_ops) *lowered_ops = lowered;
  return graph;
}

namespace {

// Calibrated ranges are keyed by layer name: two crossbar layers of one
// name would share (and overwrite) each other's.
void refuse_shared_names(const Graph& g) {
  std::set<std::string> seen;
  for (const Node& n : g.nodes)
    if (on_crossbar(n.placement.unit) && !seen.insert(layer_name(n)).second)
      throw bad_input(g.source, "two crossbar layers are named '" + layer_name(n) +
                                    "': calibrated ADC ranges need unique layer names");
}

bool is_quantized(const Graph& g) {
  static const std::set<std::string> kQuantizing = {"QuantizeLinear", "DequantizeLinear",
                                                    "DynamicQuantizeLinear", "ConvInteger",
                                                    "MatMulInteger"};
  return std::any_of(g.nodes.begin(), g.nodes.end(), [](const Node& n) {
    return kQuantizing.count(n.op_type) || n.op_type.rfind("QLinear", 0) == 0 ||
           n.op_type.rfind("com.microsoft.", 0) == 0;
  });
}

// Digital and analog mode never run a node in float unasked: the nodes the
// integer path could not take are refused, naming the first, unless the
// user allowed float islands. A float model in analog mode is aihwkit's
// setting (matrix products on tiles, the rest in float) and is allowed; its
// float nodes are listed like islands.
// Ops that only move or select values: they give the same bits whatever
// arithmetic type the values have, so a float tensor through them is not
// float computation (an integer LSTM's float output transposed, squeezed,
// a time step gathered).
bool moves_data_only(const std::string& op) {
  static const char* const kOps[] = {
      "Transpose", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity",     "Gather",
      "Slice",     "Concat",  "Split",   "Expand",  "Tile",      "DepthToSpace", "SpaceToDepth"};
  return std::find(std::begin(kOps), std::end(kOps), op) != std::end(kOps);
}

std::vector<std::string> check_float_nodes(const Graph& g, const ModelOptions& options,
                                           bool quantized) {
  std::vector<std::string> names;
  if (options.mode == ExecMode::kFloat) return names;
  // An op aimc has no kernel for at all is refused as such, by the executor.
  for (const Node& n : g.nodes)
    if (!is_supported_op(n.op_type)) return names;
  const Node* first = nullptr;
  for (const Node& n : g.nodes) {
    if (is_internal_op(n.op_type) || on_crossbar(n.placement.unit) || moves_data_only(n.op_type))
      continue;
    if (!first) first = &n;
    names.push_back(n.name);
  }
  if (!first || options.allow_float || (options.mode == ExecMode::kAnalog && !quantized))
    return names;
  const std::string mode = exec_mode_name(options.mode);
  throw bad_input(
      g.source,
      first->label() + " has no integer form here and would run in float (" +
          std::to_string(names.size()) + " node(s) would); --mode " + mode +
          " runs integer kernels only. " +
          (quantized ? "Pass --allow-float to run such nodes in float (they are then listed)."
                     : "The model is not quantized: use --mode float" +
                           std::string(options.mode == ExecMode::kDigital
                                           ? " or --mode analog (matrix products on tiles)"
                                           : "") +
                           ", or --allow-float."));
}

}  // namespace

Model Model::from_graph(Graph graph, const ModelOptions& options) {
  int lowered = 0;
  const bool quantized = is_quantized(graph);
  graph = prepare_graph(std::move(graph), options, &lowered);
  std::vector<std::string> float_nodes = check_float_nodes(graph, options, quantized);
  KernelOptions kernels = options.kernels;
  if (options.mode == ExecMode::kAnalog) {
    kernels.analog = std::make_shared<const AnalogBackend>(
        AnalogBackend{options.analog, options.weight_levels, options.keep_weights});
    if (options.analog.adc_range == AdcRangeMode::kCalibrated) refuse_shared_names(graph);
  }
  Executor executor(std::move(graph), kernels);
  Model model(std::move(executor), options.mode, lowered, std::move(kernels));
  model.float_nodes_ = std::move(float_nodes);
  return model;
}

const AnalogConfig* Model::analog_config() const {
  return kernels_.analog ? &kernels_.analog->config : nullptr;
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
  if (!with_ranges.state.ranges) with_ranges.state.ranges = &calibration_;
  result.outputs = executor_.run(inputs, with_ranges, capture);
  // Integer activations are stored NHWC; an output is given in ONNX's NCHW.
  for (std::size_t o = 0; o < int8_output_names_.size(); ++o) {
    const auto it = graph().values.find(int8_output_names_[o]);
    Tensor& t = result.int8_outputs[o];
    if (it != graph().values.end() && it->second.nhwc && t.rank() == 4)
      t = int8k::nhwc_to_nchw<int8_t>(t);
  }
  return result;
}

bool Model::needs_calibration() const {
  const AnalogConfig* c = analog_config();
  return c && (c->adc_range == AdcRangeMode::kCalibrated || c->affine_correction);
}

void Model::calibrate(const std::vector<Tensor>& inputs, int threads) {
  if (!needs_calibration()) return;
  AdcCalibration fresh;
  RunContext ctx;
  ctx.threads = threads;
  ctx.state.ranges_sink = &fresh;
  // Calibration images get their own image indices (far beyond any data
  // set's), so their per-MVM noise never repeats an evaluated image's.
  ctx.first_image = int64_t{1} << 31;
  const AnalogConfig& config = *analog_config();
  if (config.adc_calibrated_at == AdcCalibrationTime::kAtTInf) {
    executor_.run(inputs, ctx);
  } else {
    // Calibrated at programming: the crossbar layers programmed again as the
    // fresh chip; every other kernel is the model's own (they do not depend
    // on the chip).
    KernelOptions chip = kernels_;
    chip.analog = std::make_shared<const AnalogBackend>(
        AnalogBackend{calibration_chip(config), kernels_.analog->weight_levels, false});
    const Graph& g = graph();
    Executor::Replacements fresh_chip(g.nodes.size());
    for (std::size_t i = 0; i < g.nodes.size(); ++i)
      if (on_crossbar(g.nodes[i].placement.unit)) fresh_chip[i] = make_kernel(g.nodes[i], g, chip);
    executor_.run(inputs, ctx, nullptr, &fresh_chip);
    // The affine correction is fitted on the chip as evaluated, with the
    // ranges just measured.
    if (config.affine_correction) executor_.run(inputs, ctx);
  }
  calibration_ = std::move(fresh);
}

ModelOptions gptq_twin_options(const ModelOptions& options) {
  ModelOptions twin = options;
  twin.mode = ExecMode::kAnalog;
  twin.analog = gptq_twin(options.analog);
  twin.weight_levels = nullptr;
  twin.keep_weights = true;
  return twin;
}

LayerMoments Model::input_moments(const std::vector<Tensor>& inputs, int threads) const {
  LayerMoments moments;
  RunContext ctx;
  ctx.threads = threads;
  ctx.state.moments_sink = &moments;
  run(inputs, ctx);
  return moments;
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
