#pragma once
// The two matrix products of one direction of a recurrent layer (LSTM, GRU,
// RNN): the input projection X·Wᵀ of every time step at once, and the
// recurrent projection H·Rᵀ of one step. They are the layer's only
// matrix-vector products, so this class is the one place that is to hand
// them to analog crossbar tiles (docs/ARCHITECTURE.md, Analog MVM); the
// gates and state updates around them stay digital.
#include <cstdint>
#include <vector>

namespace aimc::floatk {

class RecurrentWeights {
 public:
  // w: [gates·hidden, input] and r: [gates·hidden, hidden], row-major, gate
  // blocks of `hidden` rows in the op's order (LSTM iofc, GRU zrh).
  RecurrentWeights(const float* w, const float* r, int64_t gates, int64_t hidden, int64_t input);

  int64_t gates() const { return gates_; }
  int64_t hidden() const { return hidden_; }
  int64_t input() const { return input_; }

  // out[i·gates·hidden + c] = Σ_k x[i·input + k]·W[c, k] for `rows` rows.
  void project_inputs(const float* x, int64_t rows, float* out) const;

  // For the gates [first, first + count): out[i·ldo + (g − first)·hidden + j]
  // = Σ_k h[i·hidden + k]·R[g·hidden + j, k] for `rows` rows. GRU without
  // linear_before_reset projects its hidden gate separately, on r ⊙ H.
  void project_state(const float* h, int64_t rows, int64_t first, int64_t count, float* out,
                     int64_t ldo) const;

 private:
  int64_t gates_, hidden_, input_;
  // Packed once (engine/kernels/float/float_gemm_core.h): Wᵀ whole, and Rᵀ
  // per gate so that any run of gates can be projected. Each output element
  // is a sequential sum over k, so a row's result never depends on how many
  // rows (batch entries) are projected with it.
  std::vector<float> w_packed_;
  std::vector<std::vector<float>> r_packed_;
};

}  // namespace aimc::floatk
