#include "engine/kernels/int8/analog_layer.h"

#include "engine/graph.h"

namespace aimc::int8k {

AnalogLayer::AnalogLayer(const int8_t* weights_nk, int k, int n, uint32_t layer,
                         const AnalogConfig& config, ChannelRequant requant)
    : matrix_(weights_nk, k, n, layer, config), requant_(std::move(requant)) {}

void AnalogLayer::run_job(const int32_t* x, int64_t image, int64_t pixel, int8_t* out,
                          std::vector<int32_t>& scratch) const {
  scratch.resize(matrix_.cols());
  matrix_.mvm(x, static_cast<uint32_t>(image), static_cast<uint32_t>(pixel), scratch.data());
  requantize_row(requant_, scratch.data(), matrix_.cols(), out);
}

uint32_t layer_index(const Graph& g, const Node& n) {
  return static_cast<uint32_t>(&n - g.nodes.data());
}

}  // namespace aimc::int8k
