#include "engine/kernels/int8/dynamic_weights.h"

#include "engine/analog/analog_backend.h"
#include "engine/kernels/int8/int8_common.h"

namespace aimc::int8k {

int32_t weight_at(const Tensor& w, int64_t i) {
  return w.dtype() == DType::kInt8 ? int32_t{w.data<int8_t>()[i]} : int32_t{w.data<uint8_t>()[i]};
}

std::vector<int32_t> dynamic_weight_zero_points(const Graph& g, const Node& n, const Tensor& w,
                                                int64_t channels) {
  std::vector<int32_t> zp(static_cast<std::size_t>(channels), 0);
  if (n.inputs.size() < 3 || n.inputs[2].empty()) return zp;
  const Tensor* z = g.initializer(n.inputs[2]);
  if (!z || z->dtype() != w.dtype() || (z->size() != 1 && z->size() != channels))
    fail(g, n, "weight zero point must be a constant scalar or one per output channel");
  for (int64_t m = 0; m < channels; ++m) zp[m] = weight_at(*z, z->size() == 1 ? 0 : m);
  return zp;
}

int32_t tile_code_offset(const Tensor& w) { return w.dtype() == DType::kUInt8 ? 128 : 0; }

DynamicTiles dynamic_tiles(const Graph& g, const Node& n, const KernelOptions& o,
                           std::vector<AnalogBlock> blocks, const Tensor& w,
                           const std::vector<int32_t>& zero_points) {
  if (!o.analog) fail(g, n, "placed on the crossbar outside analog mode");
  DynamicTiles t;
  const int32_t c = tile_code_offset(w);
  for (int32_t zp : zero_points) t.correction.push_back(c - zp);
  const AnalogConfig& config = o.analog->config;
  t.layer = std::make_unique<TiledLayer>(std::move(blocks), static_cast<int>(zero_points.size()),
                                         layer_index(g, n), layer_name(n), *o.analog, true,
                                         config.dac.full_scale);
  return t;
}

}  // namespace aimc::int8k
