#pragma once
// A layer whose matrix-vector products run on crossbar tiles: one or more
// blocks, each an AnalogMatrix — one for a conv with group 1 or a Gemm,
// C/C_job block-diagonal ones for a depthwise conv mapped as C_job-channel
// jobs. A job is one output pixel (or row). The kernel that owns the layer
// gathers each job's DAC inputs and turns the digitised accumulators into
// its outputs (integer requantization, or float scaling and bias).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/analog/analog_backend.h"
#include "engine/analog/analog_matrix.h"
#include "engine/graph.h"
#include "engine/kernel.h"

namespace aimc {

struct AnalogBlock {
  std::vector<float> weights_nk;  // n rows of k weights
  int k = 0, n = 0;
  int first_channel = 0;  // output channel of the block's first column
};

class TiledLayer {
 public:
  // integer_weights: an int8 model's levels; x_max: the largest |DAC input|.
  // `layer` keys the device draws (the node's index), `name` the calibrated
  // ADC ranges and GPTQ levels (the node's name).
  TiledLayer(std::vector<AnalogBlock> blocks, int channels, uint32_t layer, std::string name,
             const AnalogBackend& backend, bool integer_weights, double x_max);
  TiledLayer(std::vector<AnalogBlock> blocks, int channels, uint32_t layer, std::string name,
             const AnalogConfig& config, bool integer_weights, double x_max)
      : TiledLayer(std::move(blocks), channels, layer, std::move(name),
                   AnalogBackend{config, nullptr, false}, integer_weights, x_max) {}

  // The DAC's view of an integer input (activation minus zero point).
  float dac(int32_t v) const;
  // The DAC's view of a float input already divided by its job's scale
  // (in [−1, 1]): rounded to the grid of 2^dac_bits − 1 steps per side.
  float dac_normalized(float v) const;

  // Fills x[count × block k] with the DAC inputs of jobs [first, first+count)
  // of one block, their noise keys and the factor each job's outputs are
  // multiplied by (the input scale of float layers; 1 for integer ones).
  using Gather = std::function<void(int block, int64_t first, int count, float* x, JobKey* keys,
                                    float* job_scale)>;
  // Receives the digitised accumulators of jobs [first, first+count):
  // acc[count × channels], already multiplied by the job scale.
  using Emit = std::function<void(int64_t first, int count, const double* acc)>;

  // Runs `jobs` jobs. In a calibration run it first measures this layer's
  // ADC ranges (range mode `calibrated`); with a moments sink it first adds
  // its blocks' input moments.
  void run(const RunContext& ctx, int64_t jobs, const Gather& gather, KernelFlavor flavor,
           const Emit& emit) const;
  // Receives accumulators of an integer layer (job scale 1) already rounded
  // by accumulator_to_int32: acc[count × channels].
  using EmitInt32 = std::function<void(int64_t first, int count, const int32_t* acc)>;
  // The same run for an integer layer, emitting int32 accumulators.
  void run_int32(const RunContext& ctx, int64_t jobs, const Gather& gather, KernelFlavor flavor,
                 const EmitInt32& emit) const;

  int blocks() const { return static_cast<int>(blocks_.size()); }
  int channels() const { return channels_; }
  const AnalogMatrix& matrix(int block) const { return blocks_[block].matrix; }

 private:
  struct Programmed {
    AnalogMatrix matrix;
    int first_channel;
    int adc_offset;  // of this block's ADCs in the layer's range list
  };
  std::vector<double> measure_ranges(int64_t jobs, const Gather& gather, int threads) const;
  // Affine correction (tiled_layer_affine.cpp): [gain per channel, then offset
  // per channel], fitted on this batch in a calibration run, or read.
  std::vector<double> fit_affine(int64_t jobs, const Gather& gather, const double* ranges,
                                 int threads) const;
  const double* affine_for(const RunContext& ctx, int64_t jobs, const Gather& gather,
                           const double* ranges) const;
  // y[count × block cols] of block b ← gain·y + offset, in place.
  void correct(const double* affine, const Programmed& b, int count, double* y) const;
  void add_input_moments(LayerMoments& sink, int64_t jobs, const Gather& gather, int threads) const;
  // Σ x·xᵀ of one block's inputs in DAC steps, [k × k].
  std::vector<int64_t> block_moments(int block, int64_t jobs, const Gather& gather,
                                     int threads) const;
  void mvm(const AnalogMatrix& m, KernelFlavor flavor, const float* x, int count,
           const JobKey* keys, const double* ranges, double* y, MvmScratch& scratch) const;
  // The ADC ranges of this run (measuring them in a calibration run, and
  // adding the input moments when the run has a moments sink).
  const double* ranges_for(const RunContext& ctx, int64_t jobs, const Gather& gather) const;
  // Jobs per chunk: a function of the job count only.
  static int64_t chunk_size(int64_t jobs);
  std::vector<Programmed> blocks_;
  // The blocks' own weights, kept only for the affine correction's exact
  // reference products.
  std::vector<AnalogBlock> reference_;
  int channels_;
  std::string name_;
  AnalogConfig config_;
  std::vector<float> dac_table_;  // DAC outputs for integer inputs −kDacSpan..kDacSpan
  std::vector<double> own_ranges_;
  bool integer_weights_;
  double dac_step_;  // of the DAC's grid, in the gathered inputs' units
  std::vector<std::vector<float>> kept_weights_;  // [block] (AnalogBackend::keep_weights)
};

// What a layer's affine correction is stored under beside its ADC ranges.
std::string affine_key(const std::string& layer_name);

// The layer index that keys a node's device draws: its position in the graph.
uint32_t layer_index(const Graph& g, const Node& n);
// The name that keys a node's calibrated ADC ranges: its name (or, for an
// unnamed node, its first output's).
std::string layer_name(const Node& n);

}  // namespace aimc
