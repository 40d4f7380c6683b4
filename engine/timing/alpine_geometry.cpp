#include "engine/timing/alpine_geometry.h"

#include <algorithm>

namespace aimc::timing {

int64_t ceil_div(int64_t a, int64_t b) { return b > 0 ? (a + b - 1) / b : 0; }

bool is_conv(LayerOp op) {
  return op == LayerOp::kConv || op == LayerOp::kPointwise || op == LayerOp::kDepthwise ||
         op == LayerOp::kGroupedConv;
}

bool has_matrix(const LayerShape& l) {
  if (l.op == LayerOp::kGemm) return l.constant_weights;
  return is_conv(l.op) || l.op == LayerOp::kRecurrent;
}

Slice slice_of(const LayerShape& l, int split) {
  Slice s;
  s.rows = l.rows();
  if (l.op == LayerOp::kRecurrent) {
    s.units = ceil_div(l.out_c, split);
    s.cols = int64_t{l.gates} * s.units;
  } else {
    s.cols = ceil_div(l.cols(), split);
  }
  return s;
}

int64_t tile_rows_for(const AlpineHardware& h, const Slice& s) {
  return h.tile_rows > 0 ? h.tile_rows : s.rows;
}

int64_t tile_cols_for(const AlpineHardware& h, const Slice& s) {
  return h.tile_cols > 0 ? h.tile_cols : s.cols;
}

int row_blocks(const AlpineHardware& h, const Slice& s) {
  return static_cast<int>(ceil_div(s.rows, tile_rows_for(h, s)));
}

int column_blocks(const AlpineHardware& h, const Slice& s) {
  return static_cast<int>(ceil_div(s.cols, tile_cols_for(h, s)));
}

int tiles_per_slice(const AlpineHardware& h, const LayerShape& l, int split) {
  const Slice s = slice_of(l, split);
  return row_blocks(h, s) * column_blocks(h, s);
}

int cores_per_slice(const AlpineHardware& h, const LayerShape& l, int split) {
  return static_cast<int>(ceil_div(tiles_per_slice(h, l, split), std::max(1, h.tiles_per_core)));
}

}  // namespace aimc::timing
