#pragma once
// Float 3×3 depthwise convolution on NCHW planes, 16 outputs per AVX-512
// register. Each output element is the same sequence of fused
// multiply-adds, in the same tap order, as the plane loop of float_conv.cpp
// (conv_plane): 0, then the taps in (ky, kx) order, then + bias, then the
// fused clip. Taps outside the input, which conv_plane skips, read zeros
// (masked-off lanes, a zero row, or the padding of a zero-padded copy), and
// fma(w, 0, acc) == acc for finite weights (acc is never -0), so the bits
// are equal. Stride-1 planes up to 64 columns wide are computed from an
// aligned zero-padded copy of each plane (7×7 outputs two rows per
// register); the others read the input in place, 8 output rows at a time.
// Every plane is computed the same way whatever the batch or thread count.
#include <cstdint>

#include "engine/kernels/float/float_common.h"

namespace aimc::floatk {

// Whether the fast path takes this conv: 2-D, 3×3 kernel, no dilation, one
// channel per group with multiplier 1, stride 1 or 2 (the same along
// both axes), AVX-512.
bool depthwise3x3_supported(const Window& w, int64_t channels, int64_t group, int64_t out_c);

// x [N, C, H, W], weights [C, 1, 3, 3], bias [C] or null, y [N, C, OH, OW];
// `clip` is applied last (a fused Clip).
void depthwise3x3(const Window& w, const float* x, const float* weights, const float* bias,
                  const FusedClip& clip, int64_t batch, int64_t channels, float* y, int threads);

// Rows held in a band buffer, for a depthwise conv fused behind the conv that
// computes its input band by band: channel c's input row iy (only the rows
// the computed outputs read) at in + c * in_channel_stride + (iy - in_row0) *
// w.in[2], its output row oy at out + c * out_channel_stride + (oy -
// out_row0) * w.out[2].
struct DepthwiseBand {
  const float* in;
  int64_t in_row0, in_channel_stride;
  float* out;
  int64_t out_row0, out_channel_stride;
};

// Output rows [begin, end) of `channels` planes (weights and bias from
// channel 0 of the band), on the calling thread; the same bits as
// depthwise3x3 (each output the same taps in the same order). Needs
// depthwise3x3_supported.
void depthwise3x3_band(const Window& w, const DepthwiseBand& band, int64_t channels,
                       const float* weights, const float* bias, const FusedClip& clip,
                       int64_t begin, int64_t end);

}  // namespace aimc::floatk
