#pragma once
// Attribute names the float fusion passes (engine/passes/fuse_*.h) write on
// the nodes they fuse, and the kernels and the timing model read: here in the
// engine core so that readers need not include the passes.
#include <cstddef>

namespace aimc {

// A QGemm lowered from a MatMul carries kLeadingRows (1): its input may have
// any rank, every index but the last naming a row ([..., K] -> [..., N]).
inline constexpr const char* kLeadingRows = "aimc_leading_rows";

// A Conv with a fused Clip holds its bounds in these attributes.
inline constexpr const char* kFusedClipMin = "aimc_clip_min";
inline constexpr const char* kFusedClipMax = "aimc_clip_max";

// A Conv with a fused Add carries kFusedAdd (1) and the Add's other operand
// as its fourth input (the third, the bias, may be empty).
inline constexpr const char* kFusedAdd = "aimc_fused_add";
inline constexpr const char* kFusedAddName = "aimc_fused_add_name";  // the Add node's name
inline constexpr std::size_t kFusedAddInput = 3;

// A fused inverted residual block is its depthwise Conv. With kFusedExpand
// (1), its input 0 is the expansion's input and the expansion's weight and
// bias (or "") are inputs kFusedExpandWeight and kFusedExpandBias. With
// kFusedProject (1), its output is the projection's and the projection's
// weight and bias (or "") are inputs kFusedProjectWeight and
// kFusedProjectBias; the projection's fused Add, if any, is the node's
// (kFusedAdd, input kFusedAddInput). Unused inputs are "". A fused stage's
// clip is in its two clip attributes.
inline constexpr const char* kFusedExpand = "aimc_fused_expand";
inline constexpr const char* kFusedExpandName = "aimc_fused_expand_name";  // the 1x1 conv's name
inline constexpr const char* kFusedExpandClipMin = "aimc_expand_clip_min";
inline constexpr const char* kFusedExpandClipMax = "aimc_expand_clip_max";
inline constexpr std::size_t kFusedExpandWeight = 4;
inline constexpr std::size_t kFusedExpandBias = 5;
inline constexpr const char* kFusedProject = "aimc_fused_project";
inline constexpr const char* kFusedProjectName = "aimc_fused_project_name";
inline constexpr const char* kFusedProjectClipMin = "aimc_project_clip_min";
inline constexpr const char* kFusedProjectClipMax = "aimc_project_clip_max";
inline constexpr std::size_t kFusedProjectWeight = 6;
inline constexpr std::size_t kFusedProjectBias = 7;

}  // namespace aimc
