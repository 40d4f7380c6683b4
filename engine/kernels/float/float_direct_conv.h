#pragma once
// Float 3×3 convolution straight from the input planes, for convs with few
// input channels (the RGB stem): an im2col GEMM there has k = 27 and spends
// its time packing. Here 16 output columns of 16 output channels accumulate
// in registers, taps in (channel, ky, kx) order, then + bias and the fused clip.
#include <cstdint>

#include "engine/kernels/float/float_common.h"

namespace aimc::floatk {

inline constexpr int64_t kDirectMaxInputChannels = 4;

// 2-D, group 1, 3×3, no dilation, the same stride 1 or 2 on both axes, pads
// of at most 2, at most kDirectMaxInputChannels inputs, AVX-512.
bool direct3x3_supported(const Window& w, int64_t in_c, int64_t group);

// x [N, in_c, H, W], weights [out_c, in_c, 3, 3], bias [out_c] or null,
// y [N, out_c, OH, OW].
void direct3x3(const Window& w, const float* x, int64_t in_c, const float* weights, int64_t out_c,
               const float* bias, const FusedClip& clip, int64_t batch, float* y, int threads);

}  // namespace aimc::floatk
