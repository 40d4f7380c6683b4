#pragma once
// The two matrix products of one direction of a recurrent layer (LSTM, GRU,
// RNN): the input projection X·Wᵀ of every time step at once, and the
// recurrent projection H·Rᵀ of one step. They are the layer's only
// matrix-vector products, so this class is the one place that hands them to
// analog crossbar tiles (docs/ARCHITECTURE.md, Analog MVM); the gates and
// state updates around them stay digital.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/analog/tiled_layer.h"
#include "engine/kernel.h"

namespace aimc::floatk {

// One row of a projection on tiles: the operand row it multiplies (and the
// output row it fills) and the key of its per-MVM noise.
struct ProjectionJob {
  int64_t row = 0;
  JobKey key;
};

// W and R of one direction on crossbar tiles (analog mode).
struct RecurrentTiles {
  std::unique_ptr<TiledLayer> w, r;
  bool calibrated_ranges = false;  // adc_range `calibrated`
  std::string r_name;              // what R's calibrated ranges are stored under
  KernelFlavor flavor = KernelFlavor::kOptimized;
};

class RecurrentWeights {
 public:
  // w: [gates·hidden, input] and r: [gates·hidden, hidden], row-major, gate
  // blocks of `hidden` rows in the op's order (LSTM iofc, GRU zrh).
  RecurrentWeights(const float* w, const float* r, int64_t gates, int64_t hidden, int64_t input);

  int64_t gates() const { return gates_; }
  int64_t hidden() const { return hidden_; }
  int64_t input() const { return input_; }

  // Puts both products on crossbar tiles: the tiles forms below then apply.
  void set_tiles(RecurrentTiles tiles) { tiles_ = std::move(tiles); }
  bool on_tiles() const { return tiles_.w != nullptr; }

  // out[i·gates·hidden + c] = Σ_k x[i·input + k]·W[c, k] for `rows` rows.
  void project_inputs(const float* x, int64_t rows, float* out) const;

  // For the gates [first, first + count): out[i·ldo + (g − first)·hidden + j]
  // = Σ_k h[i·hidden + k]·R[g·hidden + j, k] for `rows` rows. GRU without
  // linear_before_reset projects its hidden gate separately, on r ⊙ H.
  void project_state(const float* h, int64_t rows, int64_t first, int64_t count, float* out,
                     int64_t ldo) const;

  // The same products on the tiles, one MVM per job on its own row; rows no
  // job names are left as they are.
  void project_inputs(const RunContext& ctx, const float* x, std::span<const ProjectionJob> jobs,
                      float* out) const;
  void project_state(const RunContext& ctx, const float* h, std::span<const ProjectionJob> jobs,
                     int64_t first, int64_t count, float* out, int64_t ldo) const;

  // Whether this is a calibration run in which R's ADC ranges are still to
  // be measured (they need every state of the sequences, so the kernel
  // collects them first: measure_state_ranges).
  bool state_ranges_wanted(const RunContext& ctx) const;
  // Measures R's ranges on the state rows h [jobs, hidden].
  void measure_state_ranges(const RunContext& ctx, const float* h,
                            std::span<const ProjectionJob> jobs) const;

 private:
  int64_t gates_, hidden_, input_;
  // Packed once (engine/kernels/float/float_gemm_core.h): Wᵀ whole, and Rᵀ
  // per gate so that any run of gates can be projected. Each output element
  // is a sequential sum over k, so a row's result never depends on how many
  // rows (batch entries) are projected with it. Kept on tiles too: a
  // calibration run first steps through the sequences with R digital.
  std::vector<float> w_packed_;
  std::vector<std::vector<float>> r_packed_;
  RecurrentTiles tiles_;
};

}  // namespace aimc::floatk
