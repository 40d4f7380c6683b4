#pragma once
// Fuses a float 1x1 expansion Conv with the 3x3 depthwise Conv that alone
// reads its output (MobileNetV2's inverted residual blocks), so that the
// expanded tensor is computed band by band into a buffer that stays in cache
// and is never stored whole (kernels/float/float_expand_depthwise.h). The
// fused node computes exactly the unfused values.
#include <cstdint>

#include "engine/graph.h"

namespace aimc {

// The fused node is the depthwise Conv with this attribute (1); its input 0
// is the expansion's input, and the expansion's weight and bias (or "") are
// its inputs kFusedExpandWeight and kFusedExpandBias (input 3, a fused Add's
// slot, is ""). The expansion's fused clip, if any, is in the two clip
// attributes.
inline constexpr const char* kFusedExpand = "aimc_fused_expand";
inline constexpr const char* kFusedExpandName = "aimc_fused_expand_name";  // the 1x1 conv's name
inline constexpr const char* kFusedExpandClipMin = "aimc_expand_clip_min";
inline constexpr const char* kFusedExpandClipMax = "aimc_expand_clip_max";
inline constexpr std::size_t kFusedExpandWeight = 4;
inline constexpr std::size_t kFusedExpandBias = 5;

// Planes smaller than this (positions) stay unfused: their expanded tensors
// fit in cache anyway. Fusion only pays where the expanded tensor would go
// to memory and back.
inline constexpr int64_t kFuseExpandMinPositions = 28 * 28;

// Rewrites pairs whose expansion has constant [C, Cin, 1, 1] weights, group
// 1, stride 1 and no padding, whose depthwise has constant [C, 1, 3, 3]
// weights, group C, equal strides of 1 or 2, no dilation and pads of at most
// 2, neither with a fused Add, on planes of at least kFuseExpandMinPositions
// with static shapes. Returns how many.
int fuse_expand_depthwise(Graph& graph);

}  // namespace aimc
