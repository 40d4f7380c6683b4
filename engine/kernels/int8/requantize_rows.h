#pragma once
// Per-channel requantization of int32 accumulators to int8, vectorised and
// bit-identical to quant::multiply_by_quantized_multiplier (gemmlowp's
// SaturatingRoundingDoublingHighMul + RoundingDivideByPOT), with a per-lane
// shift so that a row of output channels is done in one pass.
#include <cstdint>
#include <vector>

#include "quant/fixed_point.h"
#include "quant/shapes.h"

namespace aimc::int8k {

// The per-channel constants, split for SIMD lanes.
struct ChannelRequant {
  std::vector<int32_t> multiplier, left_shift, right_shift;
  std::vector<int32_t> offset;  // added to the accumulator first (bias - zero-point correction)
  int32_t output_zero_point = 0;
  quant::ActivationRange range;
  // No multiplier is INT32_MIN, the one input SaturatingRoundingDoublingHighMul
  // saturates on; the SIMD path relies on it (else it defers to the scalar one).
  bool simd_exact = true;
  // Derived per channel for the SIMD path (make_channel_requant fills them):
  // the multiplier of the neighbouring lane (c ^ 1), and the rounding nudges
  // of the right shift e for x ≥ 0 (2^(e−1)) and x < 0 (2^(e−1) − 1).
  std::vector<int32_t> multiplier_swapped, nudge_positive, nudge_negative;
  bool any_left_shift = false;
};

ChannelRequant make_channel_requant(const std::vector<quant::QuantizedMultiplier>& per_channel,
                                    int32_t output_zero_point, quant::ActivationRange range);

// out[c] = clamp(mbqm(acc[c] + offset[c], m[c]) + zp) for c in [0, channels).
void requantize_row(const ChannelRequant& q, const int32_t* acc, int channels, int8_t* out);

// requantize_row for `rows` rows (acc row r at acc + r * acc_stride, out row
// r at out + r * channels). Each block of 16 channels keeps its
// constants in registers across the rows: called once per pixel, the
// per-call set-up and constant loads were a good part of the 26% of the int8
// network's time spent requantizing.
void requantize_rows(const ChannelRequant& q, const int32_t* acc, int64_t acc_stride, int64_t rows,
                     int channels, int8_t* out);

// The scalar form, used for tails and as the test oracle of the SIMD form.
void requantize_row_scalar(const ChannelRequant& q, const int32_t* acc, int first, int channels,
                           int8_t* out);

}  // namespace aimc::int8k
