#pragma once
// Float 3×3 depthwise convolution with 16 channels per AVX-512 register.
// Each output element is the same sequence of fused multiply-adds, in the same
// tap order, as the plane loop of float_conv.cpp (conv_plane): 0, then the
// in-bounds taps in (ky, kx) order, then + bias. So the bits are equal and
// only the speed changes. Channels run on vector lanes, which suits the small
// late planes (7×7, 14×14) that a plane loop handles poorly.
#include <cstdint>

#include "engine/kernels/float/float_common.h"

namespace aimc::floatk {

// Whether the fast path takes this conv: 2-D, 3×3 kernel, no dilation, one
// channel per group with multiplier 1, channels a multiple of 16, AVX-512.
bool depthwise3x3_supported(const Window& w, int64_t channels, int64_t group, int64_t out_c);

// x [N, C, H, W], weights [C, 1, 3, 3], bias [C] or null, y [N, C, OH, OW].
void depthwise3x3(const Window& w, const float* x, const float* weights, const float* bias,
                  int64_t batch, int64_t channels, float* y, int threads);

}  // namespace aimc::floatk
