#pragma once
// An integer layer (conv with group 1, or Gemm) whose accumulators come from
// an AnalogMatrix instead of exact integer sums; bias and requantization stay
// the digital rules of DESIGN §2. One job = one output pixel (or row).
#include <cstdint>
#include <vector>

#include "engine/analog/analog_matrix.h"
#include "engine/graph.h"
#include "engine/kernels/int8/requantize_rows.h"

namespace aimc::int8k {

class AnalogLayer {
 public:
  // weights_nk: N output channels of K int8 weights; requant.offset = bias.
  AnalogLayer(const int8_t* weights_nk, int k, int n, uint32_t layer, const AnalogConfig& config,
              ChannelRequant requant);
  int inputs() const { return matrix_.rows(); }
  int outputs() const { return matrix_.cols(); }
  // x: K integers (activation minus input zero point); writes N int8 outputs.
  void run_job(const int32_t* x, int64_t image, int64_t pixel, int8_t* out,
               std::vector<int32_t>& scratch) const;

 private:
  AnalogMatrix matrix_;
  ChannelRequant requant_;
};

// The layer index that keys a node's device draws: its position in the graph.
uint32_t layer_index(const Graph& g, const Node& n);

}  // namespace aimc::int8k
