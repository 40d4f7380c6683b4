#pragma once
// Tile&Pack (the multi-array system, docs/ARCHITECTURE.md, Cluster timing model): every analog
// layer's matrix is split into tiles of at most R×C, and the tiles are packed into as few R×C
// arrays as a best-fit rectangle packing finds (MaxRects, best short side fit; tiles are not
// rotated: rows are inputs, columns outputs). Any non-overlapping placement works on a crossbar
// whose arrays run one tile at a time: idle rows get zero input and idle columns are not read.
#include <cstdint>
#include <vector>

namespace aimc::timing {

struct Tile {
  int layer = 0;  // index into the caller's layer list
  int rows = 0, cols = 0;
};

struct Placement {
  int array = 0;
  int row = 0, col = 0;  // top-left corner inside the array
};

struct PackResult {
  std::vector<Tile> tiles;
  std::vector<Placement> placements;  // one per tile
  int arrays = 0;
  int64_t mapped_weights = 0;  // Σ tile rows × cols
  double utilization = 0;      // mapped / (arrays × R × C)
};

// Splits a K×N matrix into tiles of at most R×C (row tiles × column tiles).
std::vector<Tile> split_into_tiles(int layer, int64_t k, int64_t n, int r, int c);

PackResult tile_and_pack(std::vector<Tile> tiles, int r, int c);

}  // namespace aimc::timing
