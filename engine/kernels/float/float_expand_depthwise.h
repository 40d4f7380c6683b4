#pragma once
// A 1x1 expansion conv and the 3x3 depthwise conv that alone reads its
// output, computed band by band of output rows (MobileNetV2's inverted
// residual blocks, float mode). The expanded tensor (96 x 112 x 112 floats,
// 4.8 MB, in the second block) is never stored whole: each thread expands the
// input rows its next few depthwise output rows read into a buffer that stays
// in its core's cache, keeps the rows the next band reads again, and runs the
// depthwise on them. Each expanded value is computed as the unfused 1x1 conv
// computes it (pointwise_tile: the sequential fused sum, + bias, the clip),
// and each output as the unfused depthwise (the same taps in the same
// order), so the bits equal the unfused pair's whatever the bands, the batch
// or the thread count.
#include <cstdint>

#include "engine/kernels/float/float_common.h"
#include "engine/kernels/float/float_pointwise.h"

namespace aimc::floatk {

// Whether this build has the fused kernel (the AVX-512 pointwise and
// depthwise kernels it is made of).
bool expand_depthwise_supported();

// The cache budget of one thread's band buffer of expanded rows, in bytes.
inline constexpr int64_t kExpandBandBytes = int64_t{384} << 10;

struct ExpandDepthwise {
  const PointwiseWeights* expand;  // [expanded channels, input channels]
  const float* expand_bias;        // [expanded channels] or null
  FusedClip expand_clip;
  Window depthwise;                // of the expanded tensor (depthwise3x3_supported)
  const float* depthwise_weights;  // [expanded channels, 1, 3, 3]
  const float* depthwise_bias;     // [expanded channels] or null
  FusedClip depthwise_clip;
  int64_t band_bytes = kExpandBandBytes;  // a thread's buffer of expanded rows
};

// x [batch, in_channels, H, W] -> y [batch, channels, OH, OW] (channels: the
// expanded ones).
void expand_depthwise(const ExpandDepthwise& f, const float* x, int64_t batch, int64_t in_channels,
                      int64_t channels, float* y, int threads);

}  // namespace aimc::floatk
