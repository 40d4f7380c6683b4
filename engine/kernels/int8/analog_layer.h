#pragma once
// An integer layer whose accumulators come from crossbar tiles instead of
// exact integer sums; bias and requantization stay the digital rules of
// DESIGN §2. The layer is one or more blocks, each an AnalogMatrix: one for
// a conv with group 1 or a Gemm, C/C_job block-diagonal ones for a depthwise
// conv mapped as C_job-channel jobs. A job is one output pixel (or row).
#include <cstdint>
#include <functional>
#include <vector>

#include "engine/analog/analog_matrix.h"
#include "engine/graph.h"
#include "engine/kernel.h"
#include "engine/kernels/int8/requantize_rows.h"

namespace aimc::int8k {

struct AnalogBlock {
  std::vector<float> weights_nk;  // n rows of k int8 weight values
  int k = 0, n = 0;
  int first_channel = 0;  // output channel of the block's first column
};

class AnalogLayer {
 public:
  AnalogLayer(std::vector<AnalogBlock> blocks, int channels, uint32_t layer,
              const AnalogConfig& config, ChannelRequant requant);

  // The DAC's view of an integer input (activation minus zero point).
  float dac(int32_t v) const;

  // Fills x[count × block k] with the DAC inputs of jobs [first, first+count)
  // of one block, and their noise keys.
  using Gather = std::function<void(int block, int64_t first, int count, float* x, JobKey* keys)>;

  // Runs `jobs` jobs and writes out[job × channels] int8. In a calibration
  // run it first measures this layer's ADC ranges (range mode `calibrated`).
  void run(const RunContext& ctx, int64_t jobs, const Gather& gather, KernelFlavor flavor,
           int8_t* out) const;

  int blocks() const { return static_cast<int>(blocks_.size()); }
  const AnalogMatrix& matrix(int block) const { return blocks_[block].matrix; }

 private:
  struct Programmed {
    AnalogMatrix matrix;
    int first_channel;
    int adc_offset;  // of this block's ADCs in the layer's range list
  };
  std::vector<double> measure_ranges(int64_t jobs, const Gather& gather, int threads) const;
  std::vector<Programmed> blocks_;
  int channels_;
  uint32_t layer_;
  AnalogConfig config_;
  ChannelRequant requant_;
  std::vector<float> dac_table_;  // DAC outputs for inputs −kDacSpan..kDacSpan
  std::vector<double> own_ranges_;
};

// The layer index that keys a node's device draws: its position in the graph.
uint32_t layer_index(const Graph& g, const Node& n);

}  // namespace aimc::int8k
