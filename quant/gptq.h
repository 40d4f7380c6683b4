#pragma once
// Error-compensating weight quantization: GPTQ/OPTQ (Frantar et al., "GPTQ:
// Accurate Post-Training Quantization for Generative Pre-trained
// Transformers", 2022, arXiv 2210.17323). The weights of a layer are rounded
// one input at a time, and each rounding error is fed forward to the inputs
// not yet rounded through the inverse of H = Σ x·xᵀ, the second moment of the
// layer's inputs, so that the layer's outputs W·x move as little as possible.
//
// The grid is fixed beforehand and is the one plain rounding uses
// (quantize_weight): input i of output j has the step
// scale[row tile of i][j] / levels, so GPTQ only chooses other levels.
#include <cstdint>
#include <span>
#include <vector>

namespace aimc::quant {

struct GptqGrid {
  int tile_rows = 256;  // inputs per row tile
  double levels = 7;    // the largest |level|
  // [row tile][N]: the largest |weight| of each output's column of a row
  // tile (or of its whole tile), as plain rounding scales it.
  std::span<const double> scale;
};

// The damping added to H's diagonal, as a fraction of its mean diagonal.
constexpr double kGptqDefaultDamping = 0.01;

// The most jobs add_second_moment takes at once: with |x| < 2^16 every
// partial sum of a chunk stays an integer below 2^53, exact in double.
constexpr int kMomentJobsPerChunk = 1024;

// xx[k × k] += Σ_p x_p·x_pᵀ for `count` (at most kMomentJobsPerChunk) jobs
// x [count × k] of integers of magnitude below 2^16: exact, so the sum does
// not depend on how the jobs are grouped or ordered.
void add_second_moment(std::span<const double> x, int count, int k, std::span<int64_t> xx);

// In which order the inputs are rounded: as they come, or by decreasing
// H_ii ("act-order", Frantar et al.'s act_order): the inputs that carry the
// most energy are rounded first, while the most inputs are left to absorb
// their errors.
enum class GptqOrder { kInput, kActivation };

// The input order `order` gives: a permutation of 0..k−1 (by decreasing
// H_ii, ties by index, for kActivation).
std::vector<int> gptq_input_order(std::span<const double> h_kk, int k, GptqOrder order);

// w_nk: N rows of K weights; h_kk: K×K symmetric, row-major. Returns the
// levels q [N × K], each in [−levels, levels]. Deterministic: no reduction
// depends on threads. With H a multiple of the identity, the result is
// plain rounding's in either order.
std::vector<int16_t> gptq_levels(std::span<const float> w_nk, int n, int k,
                                 std::span<const double> h_kk, const GptqGrid& grid,
                                 double damping = kGptqDefaultDamping,
                                 GptqOrder order = GptqOrder::kInput);

}  // namespace aimc::quant
