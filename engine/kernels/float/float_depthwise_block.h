#pragma once
// MobileNetV2's inverted residual block in float mode, band by band of output
// rows: an optional 1x1 expansion, the 3x3 depthwise conv, an optional 1x1
// projection (+ the residual). Unfused, the expanded tensor (96 x 112 x 112
// floats, 4.8 MB, in the second block) and the depthwise output go to memory
// and come back; here each thread expands the input rows its next few
// depthwise output rows read into a buffer that stays in its core's cache
// (keeping the rows the next band reads again), runs the depthwise on them
// into a second buffer and projects that band straight into the output.
// Each value is computed as the unfused kernels compute it (pointwise_tile:
// the sequential fused sum, + bias, the clip, + the residual; the depthwise:
// the same taps in the same order), so the bits equal the unfused convs'
// whatever the bands, the batch or the thread count.
#include <cstdint>

#include "engine/kernels/float/float_common.h"
#include "engine/kernels/float/float_pointwise.h"

namespace aimc::floatk {

// Whether this build has the fused kernel (the AVX-512 pointwise and
// depthwise kernels it is made of).
bool depthwise_block_supported();

// The cache budget of one thread's buffer of expanded (depthwise input) rows.
inline constexpr int64_t kBlockBandBytes = int64_t{384} << 10;

// A 1x1 conv stage: packed constant weights, bias or null, fused clip.
struct PointwiseStage {
  const PointwiseWeights* weights = nullptr;  // null: no such stage
  const float* bias = nullptr;
  FusedClip clip;
};

struct DepthwiseBlock {
  PointwiseStage expand;           // [channels, in_channels]; none: x is the depthwise input
  Window depthwise;                // of the depthwise input (depthwise3x3_supported)
  const float* depthwise_weights;  // [channels, 1, 3, 3]
  const float* depthwise_bias;     // [channels] or null
  FusedClip depthwise_clip;
  PointwiseStage project;  // [out_channels, channels]; none: y is the depthwise output
  int64_t band_bytes = kBlockBandBytes;
};

// x [batch, in_channels, H, W] -> y [batch, out_channels, OH, OW]; channels:
// the depthwise's (in_channels without an expansion, out_channels without a
// projection). `residual` (laid out as y, or null) is added to the
// projection's output last (a fused Add).
void depthwise_block(const DepthwiseBlock& f, const float* x, int64_t batch, int64_t in_channels,
                     int64_t channels, int64_t out_channels, float* y, const float* residual,
                     int threads);

}  // namespace aimc::floatk
