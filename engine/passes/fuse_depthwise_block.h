#pragma once
// Fuses MobileNetV2's inverted residual blocks in float mode: a 1x1
// expansion Conv into the 3x3 depthwise Conv that alone reads its output,
// and the 1x1 projection Conv (with its fused residual Add) that alone reads
// the depthwise's output into it too, so that the expanded tensor and the
// depthwise output are computed band by band in buffers that stay in cache
// and are never stored whole (kernels/float/float_depthwise_block.h). The
// fused node computes exactly the unfused values.
#include <cstdint>

#include "engine/fused_attrs.h"
#include "engine/graph.h"

namespace aimc {

// The fused node is the depthwise Conv; its attributes and extra inputs
// (kFusedExpand..., kFusedProject...) are described in engine/fused_attrs.h.

// Depthwise convs on planes smaller than this (positions) stay unfused. On
// large planes fusion keeps the expanded tensor and the depthwise output out
// of memory; down to 14x14 it still saves two thread barriers per block and,
// on 2 threads, each thread reads the rows it wrote (MobileNetV2 at batch 1
// on 2 threads, alternating runs: 28x28 and up -> also 14x14: +4 to +10%;
// also 7x7: -3%, whose two-thread split of 7 rows is uneven).
inline constexpr int64_t kFuseBlockMinPositions = 14 * 14;

// Rewrites, on planes of at least kFuseBlockMinPositions with static shapes,
// around a depthwise Conv with constant [C, 1, 3, 3] weights, group C, equal
// strides of 1 or 2, no dilation and pads of at most 2:
// - an expansion before it with constant [C, Cin, 1, 1] weights, group 1,
//   stride 1, no padding and no fused Add;
// - then a projection after it with constant [Co, C, 1, 1] weights, group
//   1, stride 1 and no padding, whose fused Add's other operand (if any) is
//   computed before the depthwise.
// Returns how many convs were fused into another.
int fuse_depthwise_blocks(Graph& graph);

}  // namespace aimc
