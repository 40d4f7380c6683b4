#pragma once
// Which layers run on crossbar tiles (DESIGN §3 "Placement"): a policy per
// layer kind, overridden per layer name.
#include <string>

#include "engine/analog/analog_config.h"

namespace aimc {

enum class LayerKind { kConv, kPointwise, kDepthwise, kGemm, kOther };

// Kind of a conv from its geometry (groups == channels == outputs: depthwise).
LayerKind conv_kind(int groups, int in_channels, int out_channels, int kernel_h, int kernel_w);

bool placed_on_analog(const Placement& p, const std::string& layer_name, LayerKind kind);

// C_job of a depthwise layer placed on the crossbar (the default 16 when the
// layer is forced analog by name without a configured C_job).
int depthwise_cjob(const Placement& p);

}  // namespace aimc
