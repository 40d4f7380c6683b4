#include "engine/analog/placement.h"

#include <algorithm>

namespace aimc {

LayerKind conv_kind(int groups, int in_channels, int out_channels, int kernel_h, int kernel_w) {
  if (groups == 1) return kernel_h == 1 && kernel_w == 1 ? LayerKind::kPointwise : LayerKind::kConv;
  if (groups == in_channels && groups == out_channels) return LayerKind::kDepthwise;
  return LayerKind::kOther;  // grouped convs: digital
}

bool placed_on_analog(const Placement& p, const std::string& name, LayerKind kind) {
  auto listed = [&name](const std::vector<std::string>& v) {
    return std::find(v.begin(), v.end(), name) != v.end();
  };
  if (listed(p.digital_layers)) return false;
  if (listed(p.analog_layers)) return kind != LayerKind::kOther;
  switch (kind) {
    case LayerKind::kConv:
      return p.conv;
    case LayerKind::kPointwise:
      return p.pointwise;
    case LayerKind::kGemm:
      return p.gemm;
    case LayerKind::kDepthwise:
      return p.depthwise_cjob > 0;
    case LayerKind::kOther:
      break;
  }
  return false;
}

int depthwise_cjob(const Placement& p) { return p.depthwise_cjob > 0 ? p.depthwise_cjob : 16; }

}  // namespace aimc
