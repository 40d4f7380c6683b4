#pragma once
// How a layer's crossbar matrix falls onto ALPINE's tiles: the slice of
// columns one core group holds, its row and column blocks, and the cores
// they take with `tiles_per_core` tiles each. Shared by the placement pass
// (engine/passes/place_alpine.h) and the cost model.
#include <cstdint>

#include "engine/hardware/alpine_hardware.h"
#include "engine/timing/layer_shape.h"

namespace aimc::timing {

// ⌈a / b⌉ for counts (0 when b is not positive).
int64_t ceil_div(int64_t a, int64_t b);
// Conv kinds, whose inputs are gathered into patches (im2col).
bool is_conv(LayerOp op);

// A layer with a crossbar matrix: conv, Gemm/MatMul with constant weights,
// recurrent. The rest are per-element layers.
bool has_matrix(const LayerShape& l);

// The matrix one slice holds: all K rows, `cols` of the N columns (for a
// recurrent layer, the gate columns of `units` hidden units, which ALPINE
// interleaves so that one CM_DEQUEUE returns all gates of a unit).
struct Slice {
  int64_t rows = 0, cols = 0, units = 0;
};
// The slice when the columns (hidden units) are divided `split` ways.
Slice slice_of(const LayerShape& l, int split);

// Rows and columns of one array: the hardware's, or the block itself when
// the tile is sized to each layer (0).
int64_t tile_rows_for(const AlpineHardware& h, const Slice& s);
int64_t tile_cols_for(const AlpineHardware& h, const Slice& s);
int row_blocks(const AlpineHardware& h, const Slice& s);
int column_blocks(const AlpineHardware& h, const Slice& s);
// Tiles of one slice, and the cores they take.
int tiles_per_slice(const AlpineHardware& h, const LayerShape& l, int split);
int cores_per_slice(const AlpineHardware& h, const LayerShape& l, int split);

}  // namespace aimc::timing
