#pragma once
// A loaded network ready to run: import, lowering (QDQ -> integer ops, or the
// float passes), kernel preparation. The entry point for models/ and demos/.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/analog/adc_calibration.h"
#include "engine/analog/analog_config.h"
#include "engine/analog/weight_levels.h"
#include "engine/executor.h"
#include "engine/graph.h"
#include "engine/passes/place.h"

namespace aimc {

enum class ExecMode {
  kDigital,  // QDQ models run on the bit-exact integer kernels
  kFloat,    // the graph as written, in float (QDQ nodes as float ops)
  kAnalog,   // QDQ models with convs (group 1) and Gemms on emulated crossbars
};

ExecMode parse_exec_mode(const std::string& name);  // "digital" | "float" | "analog"
std::string exec_mode_name(ExecMode m);

struct ModelOptions {
  ExecMode mode = ExecMode::kDigital;
  KernelOptions kernels;
  AnalogConfig analog;  // used in ExecMode::kAnalog
  // A hand-edited placement (aimc place), applied over the placement pass's.
  PlacementOverrides placement;
  // Digital and analog mode run integer kernels only: a node of a quantized
  // model that has no integer form is refused, naming it, unless float
  // islands are allowed; they are then listed in Model::float_nodes().
  bool allow_float = false;
  // weight_quantizer "gptq": the levels of each crossbar layer's blocks,
  // computed beforehand on an ideal twin (gptq_twin_options).
  std::shared_ptr<const WeightLevelTable> weight_levels;
  // Set by gptq_twin_options: crossbar layers keep their weights for the
  // moments sink.
  bool keep_weights = false;
};

// The ideal twin of an analog model (gptq_twin in engine/analog/gptq_levels.h),
// which measures the input moments GPTQ needs.
ModelOptions gptq_twin_options(const ModelOptions& options);

// The graph a Model with these options runs, without preparing kernels:
// shapes inferred, QDQ lowered (not in float mode), batch norms folded,
// float fusions (float mode), then every node placed (engine/passes/place.h).
// `lowered_ops` receives how many integer ops lowering created.
Graph prepare_graph(Graph graph, const ModelOptions& options, int* lowered_ops = nullptr);

struct ModelOutputs {
  std::vector<Tensor> outputs;  // float, in graph output order
  // For each output produced by a final DequantizeLinear in digital mode, the
  // int8 tensor before it (`aimc run --format int8`); empty otherwise.
  std::vector<Tensor> int8_outputs;
};

class Model {
 public:
  static Model load(const std::string& path, const ModelOptions& options = {});
  static Model from_graph(Graph graph, const ModelOptions& options = {});

  ModelOutputs run(const std::vector<Tensor>& inputs, const RunContext& ctx = {},
                   const LayerObserver& observer = nullptr) const;

  // Analog mode with ADC range `calibrated`: measures every analog layer's
  // ADC ranges on this batch of calibration inputs (layer by layer, each on
  // the outputs of the already calibrated layers before it). Later runs use
  // them. A no-op in other modes.
  // With `adc_calibrated_at: programming` the ranges are measured on the
  // freshly programmed chip (t = 0, no compensation): only the crossbar
  // layers are programmed again for that run; the ranges are then kept at
  // this model's t_inf.
  // With `affine_correction: channel` it also fits each analog layer's
  // per-channel gain and offset, on the chip as evaluated (stored beside the
  // ranges under affine_key(layer)).
  void calibrate(const std::vector<Tensor>& inputs, int threads = 1);
  bool needs_calibration() const;
  // Analog mode: the input moments (and, on a GPTQ twin, the weights) of
  // every crossbar layer's blocks on this batch.
  LayerMoments input_moments(const std::vector<Tensor>& inputs, int threads = 1) const;
  const AdcCalibration& adc_calibration() const { return calibration_; }
  // Ranges measured by another model whose calibration chip (see
  // calibration_chip()) is the same: a sweep's reuse across points.
  void set_adc_calibration(AdcCalibration ranges) { calibration_ = std::move(ranges); }
  const AnalogConfig* analog_config() const;

  const Graph& graph() const { return executor_.graph(); }
  ExecMode mode() const { return mode_; }
  bool integer_lowered() const { return lowered_ops_ > 0; }
  // Quantization of the int8 tensor that the first QuantizeLinear makes of
  // the graph input (digital mode only).
  std::optional<QuantParams> input_quant() const;
  // Shape of input i with -1 for dynamic dimensions.
  Shape input_shape(std::size_t i = 0) const;
  // Digital and analog mode: the nodes that run in float (float islands a
  // user allowed, or a float model's digital periphery in analog mode).
  const std::vector<std::string>& float_nodes() const { return float_nodes_; }

 private:
  Model(Executor executor, ExecMode mode, int lowered_ops, KernelOptions kernels);
  KernelOptions kernels_;  // what the kernels were prepared with (analog: the backend)
  Executor executor_;
  ExecMode mode_;
  int lowered_ops_ = 0;
  std::vector<std::string> int8_output_names_;
  std::vector<std::string> float_nodes_;
  AdcCalibration calibration_;
};

}  // namespace aimc
