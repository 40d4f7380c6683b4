#include "engine/kernels/float/float_pointwise.h"

#include <algorithm>
#include <vector>

#include "engine/kernels/float/row_taps.h"

namespace aimc::floatk {

PointwiseWeights::PointwiseWeights(const float* w, int64_t groups, int64_t rows, int64_t k)
    : k_(k), padded_rows_(round_up_rows(rows)) {
  packed_.assign(static_cast<std::size_t>(groups * padded_rows_ * k), 0.0f);
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < k; ++c) {
        const int64_t block = r / kPointwiseRows * kPointwiseRows;
        packed_[static_cast<std::size_t>((g * padded_rows_ + block) * k + c * kPointwiseRows +
                                         r % kPointwiseRows)] = w[(g * rows + r) * k + c];
      }
}

#if defined(AIMC_FLOAT_ROW_TAPS)
namespace {

constexpr int kLanes = 16;
constexpr int kMaxVectors = 3;  // 8 x 3 accumulators leave registers for the inputs

// kVectors registers of positions (the last one lanes `tail`) for the
// kPointwiseRows channels of one weight block; rows past `rows` are computed
// on the zero padding and not stored.
template <int kVectors, bool kTail>
void block(const float* pw, int64_t k, const float* x, int64_t ldx, __mmask16 tail, int64_t rows,
           const float* bias, const FusedClip& clip, float* y, int64_t ldy, const float* residual) {
  __m512 acc[kPointwiseRows][kVectors];
  for (auto& row : acc)
    for (auto& a : row) a = _mm512_setzero_ps();
  // A masked load in the loop costs a third of the throughput (measured: 196
  // positions at 59 GMAC/s, 192 or 208 at 85). Channels before the last of
  // this call therefore load whole registers: lanes past the tail read the
  // next positions or the next channel's row, which exist (the call's last
  // row, at least a register further on, is after them) and only feed lanes
  // that are never stored.
  auto step = [&](int64_t c, bool masked) {
    const float* xc = x + c * ldx;
    __m512 xv[kVectors];
#pragma GCC unroll 3
    for (int v = 0; v < kVectors; ++v) {
      xv[v] = kTail && masked && v == kVectors - 1 ? _mm512_maskz_loadu_ps(tail, xc + v * kLanes)
                                                   : _mm512_loadu_ps(xc + v * kLanes);
    }
    const float* wc = pw + c * kPointwiseRows;
#pragma GCC unroll 8
    for (int i = 0; i < kPointwiseRows; ++i) {
      const __m512 wi = _mm512_set1_ps(wc[i]);
#pragma GCC unroll 3
      for (int v = 0; v < kVectors; ++v) acc[i][v] = _mm512_fmadd_ps(wi, xv[v], acc[i][v]);
    }
  };
  if (ldx >= kLanes) {
    for (int64_t c = 0; c + 1 < k; ++c) step(c, false);
    if (k > 0) step(k - 1, true);
  } else {  // rows shorter than a register: the over-read could pass the last row
    for (int64_t c = 0; c < k; ++c) step(c, true);
  }
  // A constant trip count keeps acc in registers (a runtime bound made GCC
  // give the stem kernel's accumulators stack slots).
#pragma GCC unroll 8
  for (int64_t i = 0; i < kPointwiseRows; ++i) {
    if (i >= rows) break;
    for (int v = 0; v < kVectors; ++v) {
      __m512 r = acc[i][v];
      if (bias) r = _mm512_add_ps(r, _mm512_set1_ps(bias[i]));
      r = rowtaps::clip16(r, clip);
      const __mmask16 lanes = kTail && v == kVectors - 1 ? tail : __mmask16(0xFFFF);
      if (residual)
        r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(lanes, residual + i * ldy + v * kLanes));
      _mm512_mask_storeu_ps(y + i * ldy + v * kLanes, lanes, r);
    }
  }
}

using BlockFn = void (*)(const float*, int64_t, const float*, int64_t, __mmask16, int64_t,
                         const float*, const FusedClip&, float*, int64_t, const float*);

// The kernel for a column block of `count` positions (1..kMaxVectors * kLanes).
BlockFn block_for(int64_t count) {
  const int64_t vectors = (count + kLanes - 1) / kLanes;
  const bool tail = count % kLanes != 0;
  switch (vectors) {
    case 1:
      return tail ? block<1, true> : block<1, false>;
    case 2:
      return tail ? block<2, true> : block<2, false>;
    default:
      return tail ? block<3, true> : block<3, false>;
  }
}

}  // namespace
#endif

bool pointwise_supported() {
#if defined(AIMC_FLOAT_ROW_TAPS)
  return true;
#else
  return false;
#endif
}

void pointwise_tile(const PointwiseWeights& w, int64_t g, int64_t r0, int64_t rows, const float* x,
                    int64_t ldx, int64_t count, const float* bias, const FusedClip& clip, float* y,
                    int64_t ldy, const float* residual, bool cold_output) {
#if defined(AIMC_FLOAT_ROW_TAPS)
  // Column blocks of up to 3 registers, as even as they go (49 positions are
  // 2 + 2 registers, not 3 + 1: a block of one register loads as much as it
  // multiplies).
  const int64_t vectors = (count + kLanes - 1) / kLanes;
  const int64_t blocks = (vectors + kMaxVectors - 1) / kMaxVectors;
  auto block_start = [&](int64_t b) { return b * vectors / blocks * kLanes; };
  auto run = [&](int64_t b, int64_t r) {
    const int64_t p = block_start(b), cols = std::min(block_start(b + 1), count) - p;
    const auto tail = static_cast<__mmask16>((1u << (cols % kLanes)) - 1);
    block_for(cols)(w.block(g, r0 + r), w.k(), x + p, ldx, tail, std::min(kPointwiseRows, rows - r),
                    bias ? bias + r : nullptr, clip, y + r * ldy + p, ldy,
                    residual ? residual + r * ldy + p : nullptr);
  };
  // The bigger operand stays in cache: with more output channels than
  // positions (the 7x7 layers, up to 1280 x 320 weights) a weight block
  // (8 x k) is reused across every column block, else an input block (k x 48).
  // (Splitting k into passes of 128 channels, to keep an input block in L1,
  // was slower in the network: 0.43 against 0.37 ms for the last 1x1 conv.)
  if (rows > count) {
    for (int64_t r = 0; r < rows; r += kPointwiseRows)
      for (int64_t b = 0; b < blocks; ++b) run(b, r);
  } else {
    for (int64_t b = 0; b < blocks; ++b) {
      // A large output is cold (its buffer was last written a whole run
      // ago): the next column block's output lines are requested for
      // writing while this one computes, and its inputs (k short runs, one
      // per channel, more streams than the hardware prefetcher follows).
      // Measured on the 96 x 112 x 112 output of MobileNetV2's second
      // expansion: 0.51 -> 0.44 ms; on the hot 1.8 MB outputs it cost 5%.
      if (cold_output && b + 1 < blocks) {
        const int64_t p = block_start(b + 1);
        const int64_t lines = (std::min(block_start(b + 2), count) - p + kLanes - 1) / kLanes;
        for (int64_t c = 0; c < w.k(); ++c)
          for (int64_t l = 0; l < lines; ++l)
            _mm_prefetch(reinterpret_cast<const char*>(x + c * ldx + p + l * kLanes), _MM_HINT_T0);
        for (int64_t r = 0; r < rows; ++r)
          for (int64_t l = 0; l < lines; ++l)
            _mm_prefetch(reinterpret_cast<const char*>(y + r * ldy + p + l * kLanes), _MM_HINT_ET0);
      }
      for (int64_t r = 0; r < rows; r += kPointwiseRows) run(b, r);
    }
  }
#else
  (void)w, (void)g, (void)r0, (void)rows, (void)x, (void)ldx, (void)count, (void)bias, (void)clip,
      (void)y, (void)ldy, (void)residual, (void)cold_output;
#endif
}

}  // namespace aimc::floatk
