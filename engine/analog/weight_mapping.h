#pragma once
// Weights onto the signed digits that differential pairs hold (docs/ARCHITECTURE.md,
// Analog MVM). An int8 model's own levels are kept at
// weight_bits >= 8; otherwise each column of a row tile (or each tile) is
// quantized to 2^(weight_bits−1) − 1 levels of its largest |weight|. With
// bit slicing, |q| = Σ_s d_s·B^s (B = 2^slice_bits, digits d_s < B) and each
// digit has its own pair, using the full conductance range.
#include <span>
#include <vector>

#include "engine/analog/analog_config.h"
#include "engine/analog/tile_grid.h"

namespace aimc {

struct WeightMapping {
  int slices = 1;
  double slice_base = 1;            // significance ratio of consecutive slices
  std::vector<double> slice_scale;  // [slice] slice_base^slice
  std::vector<double> factor;       // [row tile][N] weight units per digit of slice 0
  std::vector<double> full_scale;   // [row tile][N] |digit| a device at g_max holds
  // [slice][K][N] the signed digit of each pair; its sign bit is the
  // weight's (a zero digit of a negative weight is −0).
  std::vector<double> digits;
};

// [row tile][N] the largest |weight| of each column of a row tile (shared by
// a tile's columns under per-tile scaling): the scale of plain rounding.
std::vector<double> weight_scales(std::span<const float> w_nk, const TileGrid& grid,
                                  WeightScaling scaling);

// Whether a layer's weights are quantized to weight_bits levels (an int8
// model keeps its own at weight_bits >= 8).
bool weights_quantized(const AnalogConfig& c, bool integer_weights);

// w_nk: N rows of K weights; the grid's slice count is ignored (the mapping
// decides it). integer_weights: they are an int8 model's levels.
// chosen_levels [N × K]: levels computed beforehand on the same grid (GPTQ)
// instead of plain rounding; empty: rounding. Used only when quantized.
WeightMapping map_weights(std::span<const float> w_nk, const TileGrid& grid, const AnalogConfig& c,
                          bool integer_weights, std::span<const int16_t> chosen_levels = {});

}  // namespace aimc
