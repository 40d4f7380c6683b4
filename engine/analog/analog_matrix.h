#pragma once
// One layer's weight matrix programmed onto crossbar tiles: W [K rows × N
// columns] split into tiles of at most R×C, each weight on a differential
// pair (G+, G−), programmed once per (seed, layer) and drifted to t_inf.
// An MVM encodes the inputs on the DAC, sums column currents per tile,
// digitises each row-tile's partial sums on its ADC, applies drift
// compensation and adds the partial sums digitally (DESIGN §3).
#include <cstdint>
#include <vector>

#include "engine/analog/analog_config.h"

namespace aimc {

class AnalogMatrix {
 public:
  // weights_nk: N rows (output channels) of K int8 weights each.
  AnalogMatrix(const int8_t* weights_nk, int k, int n, uint32_t layer, const AnalogConfig& config);

  int rows() const { return k_; }
  int cols() const { return n_; }
  int row_tiles() const { return row_tiles_; }
  int col_tiles() const { return col_tiles_; }

  // x: K integer inputs (activation minus zero point); acc: N accumulators,
  // the analog estimate of Σ_k x_k·w_kn. `image` and `pixel` key the per-MVM
  // output noise, so results never depend on batching or threads.
  void mvm(const int32_t* x, uint32_t image, uint32_t pixel, int32_t* acc) const;

  // The weight an ideal read of the programmed, drifted device pair gives
  // (in the int8 weight's units); for tests and tile statistics.
  double effective_weight(int row, int col) const;
  // Drift-compensation factor of a tile (1 without compensation).
  double compensation(int row_tile, int col_tile) const;
  double adc_range(int row_tile, int col_tile) const;

 private:
  int k_, n_, row_tiles_, col_tiles_;
  uint32_t layer_;
  AnalogConfig config_;
  std::vector<double> weights_;  // [K][N] effective weights after programming, drift, read noise
  std::vector<double> alpha_;    // [row_tiles][col_tiles]
  std::vector<double> range_;    // [row_tiles][col_tiles]
};

}  // namespace aimc
