#pragma once
// Float 1x1 convolution straight on NCHW planes with bias and the fused clip
// in the same pass: y[o, p] = clip(sum_c w[o, c] * x[c, p] + bias[o]) (+ a
// residual tensor, for a fused Add).
// oneDNN's sgemm followed by a separate bias/clip pass re-read every output
// once more; at batch 1 the large early planes (16 -> 96 channels at
// 112x112) are bound by that traffic, not by the multiply-adds.
// Each output is the sequential fused sum over c from 0.0f, then + bias (when
// there is one), then the clip: the bits do not depend on how the rows and
// positions are split into tasks, so neither on the thread count nor the batch.
#include <cstdint>
#include <vector>

#include "engine/kernels/float/float_common.h"

namespace aimc::floatk {

inline constexpr int64_t kPointwiseRows = 8;  // output channels per register block

inline int64_t round_up_rows(int64_t rows) {
  return (rows + kPointwiseRows - 1) / kPointwiseRows * kPointwiseRows;
}

// Whether this build has the AVX-512 kernel.
bool pointwise_supported();

// Weights [groups * rows, k] (row-major, rows output channels per group) as
// blocks of kPointwiseRows output channels, [group][block][c][row], with zero
// rows padding each group to a multiple of kPointwiseRows: a block's weights
// for one input channel are one contiguous run.
class PointwiseWeights {
 public:
  PointwiseWeights(const float* w, int64_t groups, int64_t rows, int64_t k);
  int64_t k() const { return k_; }
  // Packed block holding output channel r (a multiple of kPointwiseRows) of group g.
  const float* block(int64_t g, int64_t r) const {
    return packed_.data() + (g * padded_rows_ + r) * k_;
  }

 private:
  int64_t k_, padded_rows_;
  std::vector<float> packed_;
};

// Output channels [r0, r0 + rows) of group g (r0 a multiple of
// kPointwiseRows) at positions [0, count): x points at the group's first
// input channel at the first position (channel stride ldx), y at output
// channel r0 at the first position (channel stride ldy), bias at r0's bias
// or null. `residual`, laid out like y, is added last when given (a fused
// Add): y = clip(sum + bias) + residual. `cold_output`: y is part of an
// output too large to be in cache (kColdOutputBytes), so its lines are
// prefetched for writing ahead of the stores.
void pointwise_tile(const PointwiseWeights& w, int64_t g, int64_t r0, int64_t rows, const float* x,
                    int64_t ldx, int64_t count, const float* bias, const FusedClip& clip, float* y,
                    int64_t ldy, const float* residual = nullptr, bool cold_output = false);

// Output tensors from this size on are taken to be cold (not in cache).
inline constexpr int64_t kColdOutputBytes = int64_t{4} << 20;

}  // namespace aimc::floatk
