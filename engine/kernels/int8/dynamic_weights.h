#pragma once
// The constant 8-bit weight of a dynamically quantized layer (QDynamicGemm,
// QDynamicConv): its values, its zero points per output channel, and its
// crossbar tiles, which hold w − c (c = 128 for uint8 weights, 0 for int8)
// while the digital side adds (c − w_zp) · Σ (x_q − x_zp) per job, exactly.
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/analog/tiled_layer.h"
#include "engine/graph.h"
#include "engine/kernel.h"

namespace aimc::int8k {

// w[i] as an integer, int8 or uint8.
int32_t weight_at(const Tensor& w, int64_t i);

// The node's weight zero point (input 2: absent, a scalar, or one per output
// channel) for each of `channels` channels; BadInput naming the node otherwise.
std::vector<int32_t> dynamic_weight_zero_points(const Graph& g, const Node& n, const Tensor& w,
                                                int64_t channels);

// c: what the tiles subtract from every code so that they hold int8 levels.
int32_t tile_code_offset(const Tensor& w);

// The layer's tiles from blocks of w − c, and the digital correction
// c − zp of each channel.
struct DynamicTiles {
  std::unique_ptr<TiledLayer> layer;
  std::vector<int64_t> correction;
};
DynamicTiles dynamic_tiles(const Graph& g, const Node& n, const KernelOptions& o,
                           std::vector<AnalogBlock> blocks, const Tensor& w,
                           const std::vector<int32_t>& zero_points);

}  // namespace aimc::int8k
