#pragma once
// Asymmetric weights (a zero point zw per output channel, as ONNX Runtime's
// uint8 weights have): the accumulator Σ_k (x − zx)(w − zw) is computed as
// Σ_k (x − zx)·w − zw·S with S = Σ_k (x − zx) over the job's inputs, so the
// int8 codes w stay as they are (packed for the GEMM, or on the tiles) and
// w − zw, which spans [−255, 255], is never stored as int8.
#include <cstdint>
#include <vector>

#include "quant/conv_ref.h"

namespace aimc::int8k {

// zw of each of `channels` output channels, or empty when every one is 0
// (the symmetric case, which then costs nothing extra).
std::vector<int32_t> weight_zero_points_per_channel(const std::vector<int32_t>& zero_points,
                                                    int channels);

// acc[r][o] −= zw[o]·sums[r · sum_stride + o / per_sum] for r < rows and
// o < zw.size(): a row's one S (per_sum = channels, sum_stride 1), or one per
// group of per_sum output channels (a grouped or depthwise conv).
void subtract_weight_zero_points(const std::vector<int32_t>& zw, const int64_t* sums,
                                 int sum_stride, int per_sum, int rows, int32_t* acc,
                                 int64_t acc_stride);

// Σ (x − zx) over the in-image taps of output pixel (oy, ox) of image b, per
// group of in.c / g.groups input channels: sums[0 .. g.groups). Padding taps
// are x = zx, so they add nothing.
void window_sums(const quant::ConvGeometry& g, const quant::Nhwc& in, const int8_t* input,
                 int32_t zx, int b, int oy, int ox, int64_t* sums);

}  // namespace aimc::int8k
