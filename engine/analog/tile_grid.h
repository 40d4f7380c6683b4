#pragma once
// How a K×N weight matrix is cut into crossbar tiles of at most R×C, and how
// its ADCs are numbered: one per (slice, row tile, column tile).
#include <algorithm>

namespace aimc {

struct TileGrid {
  TileGrid(int k, int n, int tile_rows, int tile_cols, int slices = 1)
      : k(k),
        n(n),
        tile_rows(tile_rows),
        tile_cols(tile_cols),
        row_tiles((k + tile_rows - 1) / tile_rows),
        col_tiles((n + tile_cols - 1) / tile_cols),
        slices(slices) {}

  int row_begin(int rt) const { return rt * tile_rows; }
  int row_end(int rt) const { return std::min(k, (rt + 1) * tile_rows); }
  int col_begin(int ct) const { return ct * tile_cols; }
  int col_end(int ct) const { return std::min(n, (ct + 1) * tile_cols); }
  int adc_count() const { return slices * row_tiles * col_tiles; }
  int adc_index(int slice, int rt, int ct) const {
    return (slice * row_tiles + rt) * col_tiles + ct;
  }

  int k, n, tile_rows, tile_cols, row_tiles, col_tiles, slices;
};

}  // namespace aimc
