#pragma once
// A loaded network ready to run: import, lowering (QDQ -> integer ops, or the
// float passes), kernel preparation. The entry point for models/ and demos/.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/executor.h"
#include "engine/graph.h"

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
};

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
  // With `adc_calibrated_at: programming` the ranges are measured on a twin
  // of this model at t = 0 without compensation (the freshly programmed
  // chip) and kept at this model's t_inf.
  void calibrate(const std::vector<Tensor>& inputs, int threads = 1);
  bool needs_calibration() const;
  const AdcCalibration& adc_calibration() const { return calibration_; }
  // Ranges measured by another model whose calibration chip (see
  // calibration_chip()) is the same: a sweep's reuse across points.
  void set_adc_calibration(AdcCalibration ranges) { calibration_ = std::move(ranges); }
  const AnalogConfig* analog_config() const { return analog_.get(); }

  const Graph& graph() const { return executor_.graph(); }
  ExecMode mode() const { return mode_; }
  bool integer_lowered() const { return lowered_ops_ > 0; }
  // Quantization of the int8 tensor that the first QuantizeLinear makes of
  // the graph input (digital mode only).
  std::optional<QuantParams> input_quant() const;
  // Shape of input i with -1 for dynamic dimensions.
  Shape input_shape(std::size_t i = 0) const;

 private:
  Model(Executor executor, ExecMode mode, int lowered_ops,
        std::shared_ptr<const AnalogConfig> analog);
  // The imported graph, kept only when calibration needs a t = 0 twin.
  std::shared_ptr<const Graph> source_;
  ModelOptions options_;
  Executor executor_;
  ExecMode mode_;
  int lowered_ops_ = 0;
  std::vector<std::string> int8_output_names_;
  std::shared_ptr<const AnalogConfig> analog_;
  AdcCalibration calibration_;
};

}  // namespace aimc
