#include "engine/timing/tile_pack.h"

#include <algorithm>
#include <limits>

namespace aimc::timing {
namespace {

struct Rect {
  int row, col, rows, cols;
  bool contains(const Rect& o) const {
    return o.row >= row && o.col >= col && o.row + o.rows <= row + rows &&
           o.col + o.cols <= col + cols;
  }
  bool overlaps(const Rect& o) const {
    return o.row < row + rows && row < o.row + o.rows && o.col < col + cols && col < o.col + o.cols;
  }
};

// The free space of one array as maximal free rectangles (MaxRects).
class Bin {
 public:
  Bin(int r, int c) : free_{{0, 0, r, c}} {}

  // Best short side fit: the free rectangle whose smaller leftover side is least.
  bool best_fit(int rows, int cols, Rect& where, int& score) const {
    bool found = false;
    for (const Rect& f : free_) {
      if (f.rows < rows || f.cols < cols) continue;
      const int s = std::min(f.rows - rows, f.cols - cols);
      if (!found || s < score) {
        found = true;
        score = s;
        where = {f.row, f.col, rows, cols};
      }
    }
    return found;
  }

  void place(const Rect& used) {
    std::vector<Rect> next;
    for (const Rect& f : free_) {
      if (!f.overlaps(used)) {
        next.push_back(f);
        continue;
      }
      // Up to four maximal pieces of f around `used`.
      if (used.row > f.row) next.push_back({f.row, f.col, used.row - f.row, f.cols});
      if (used.row + used.rows < f.row + f.rows)
        next.push_back(
            {used.row + used.rows, f.col, f.row + f.rows - used.row - used.rows, f.cols});
      if (used.col > f.col) next.push_back({f.row, f.col, f.rows, used.col - f.col});
      if (used.col + used.cols < f.col + f.cols)
        next.push_back(
            {f.row, used.col + used.cols, f.rows, f.col + f.cols - used.col - used.cols});
    }
    // Drop rectangles contained in others.
    free_.clear();
    for (std::size_t i = 0; i < next.size(); ++i) {
      bool inside = false;
      for (std::size_t j = 0; j < next.size() && !inside; ++j)
        inside = j != i && next[j].contains(next[i]) && !(next[i].contains(next[j]) && j > i);
      if (!inside) free_.push_back(next[i]);
    }
  }

 private:
  std::vector<Rect> free_;
};

}  // namespace

std::vector<Tile> split_into_tiles(int layer, int64_t k, int64_t n, int r, int c) {
  std::vector<Tile> tiles;
  for (int64_t i = 0; i < k; i += r)
    for (int64_t j = 0; j < n; j += c)
      tiles.push_back({layer, static_cast<int>(std::min<int64_t>(r, k - i)),
                       static_cast<int>(std::min<int64_t>(c, n - j))});
  return tiles;
}

PackResult tile_and_pack(std::vector<Tile> tiles, int r, int c) {
  PackResult out;
  // Largest tiles first (by area, then height): the usual order for best fit.
  std::vector<int> order(tiles.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    const int64_t aa = int64_t{tiles[a].rows} * tiles[a].cols,
                  bb = int64_t{tiles[b].rows} * tiles[b].cols;
    return aa != bb ? aa > bb : tiles[a].rows > tiles[b].rows;
  });
  std::vector<Bin> bins;
  out.placements.resize(tiles.size());
  for (int t : order) {
    int best_bin = -1, best_score = std::numeric_limits<int>::max();
    Rect best{};
    for (std::size_t b = 0; b < bins.size(); ++b) {
      Rect where{};
      int score = 0;
      if (bins[b].best_fit(tiles[t].rows, tiles[t].cols, where, score) && score < best_score) {
        best_bin = static_cast<int>(b);
        best_score = score;
        best = where;
      }
    }
    if (best_bin < 0) {
      bins.emplace_back(r, c);
      best_bin = static_cast<int>(bins.size()) - 1;
      best = {0, 0, tiles[t].rows, tiles[t].cols};
    }
    bins[best_bin].place(best);
    out.placements[t] = {best_bin, best.row, best.col};
    out.mapped_weights += int64_t{tiles[t].rows} * tiles[t].cols;
  }
  out.tiles = std::move(tiles);
  out.arrays = static_cast<int>(bins.size());
  out.utilization = out.arrays ? double(out.mapped_weights) / (double(out.arrays) * r * c) : 0;
  return out;
}

}  // namespace aimc::timing
