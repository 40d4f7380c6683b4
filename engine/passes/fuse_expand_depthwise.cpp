#include "engine/passes/fuse_expand_depthwise.h"

#include <algorithm>

#include "engine/passes/fuse_conv_add.h"
#include "engine/passes/fuse_conv_clip.h"
#include "engine/passes/rewrite_nodes.h"

namespace aimc {
namespace {

bool is_graph_output(const Graph& g, const std::string& v) {
  return std::find(g.outputs.begin(), g.outputs.end(), v) != g.outputs.end();
}

// A float constant of exactly this shape.
bool constant_of_shape(const Graph& g, const std::string& name, const Shape& shape) {
  const Tensor* t = name.empty() ? nullptr : g.initializer(name);
  return t && t->dtype() == DType::kFloat32 && t->shape() == shape;
}

// Weight and optional bias constants, at most three inputs (no fused Add).
bool plain_conv(const Graph& g, const Node& n, const Shape& weight, int64_t out_c) {
  if (n.op_type != "Conv" || n.outputs.size() != 1 || n.inputs.size() < 2 || n.inputs.size() > 3 ||
      n.has_attr(kFusedAdd) || n.has_attr(kFusedExpand))
    return false;
  if (!constant_of_shape(g, n.inputs[1], weight)) return false;
  const auto auto_pad = n.attr_string("auto_pad", "NOTSET");
  if (auto_pad != "NOTSET") return false;
  const auto dilations = n.attr_ints("dilations", {1, 1});
  if (dilations != std::vector<int64_t>{1, 1}) return false;
  return n.inputs.size() < 3 || n.inputs[2].empty() ||
         constant_of_shape(g, n.inputs[2], Shape{out_c});
}

bool fuse_at(Graph& graph, std::size_t i) {
  const Node& dw = graph.nodes[i];
  if (dw.op_type != "Conv" || dw.inputs.empty()) return false;
  const std::string mid = dw.inputs[0];
  const int e = graph.producer(mid);
  if (e < 0 || e >= static_cast<int>(i) || graph.consumers(mid).size() != 1 ||
      is_graph_output(graph, mid))
    return false;
  const Node& expand = graph.nodes[e];
  const auto in_value = graph.values.find(expand.inputs.empty() ? "" : expand.inputs[0]);
  if (in_value == graph.values.end() || in_value->second.dtype != DType::kFloat32) return false;
  const Shape& in = in_value->second.shape;
  if (in.size() != 4 || in[1] <= 0 || in[2] <= 0 || in[3] <= 0) return false;
  if (in[2] * in[3] < kFuseExpandMinPositions) return false;
  const Tensor* ew = expand.inputs.size() > 1 ? graph.initializer(expand.inputs[1]) : nullptr;
  if (!ew || ew->rank() != 4) return false;
  const int64_t channels = ew->dim(0), in_c = in[1];
  // The expansion: 1x1, group 1, stride 1, no padding.
  if (!plain_conv(graph, expand, Shape{channels, in_c, 1, 1}, channels)) return false;
  if (expand.attr_int("group", 1) != 1) return false;
  if (expand.attr_ints("strides", {1, 1}) != std::vector<int64_t>{1, 1}) return false;
  const auto expand_pads = expand.attr_ints("pads", {0, 0, 0, 0});
  if (std::any_of(expand_pads.begin(), expand_pads.end(), [](int64_t p) { return p != 0; }))
    return false;
  // The depthwise: 3x3, one channel per group, strides (1, 1) or (2, 2), pads 0..2.
  if (!plain_conv(graph, dw, Shape{channels, 1, 3, 3}, channels)) return false;
  if (dw.attr_int("group", 1) != channels) return false;
  const auto kernel = dw.attr_ints("kernel_shape", {3, 3});
  const auto strides = dw.attr_ints("strides", {1, 1});
  const auto pads = dw.attr_ints("pads", {0, 0, 0, 0});
  if (kernel != std::vector<int64_t>{3, 3} || strides.size() != 2 || strides[0] != strides[1] ||
      (strides[0] != 1 && strides[0] != 2) || pads.size() != 4 ||
      std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p < 0 || p > 2; }))
    return false;

  Node fused = dw;
  fused.inputs[0] = expand.inputs[0];
  fused.inputs.resize(kFusedExpandWeight, "");
  fused.inputs.push_back(expand.inputs[1]);
  fused.inputs.push_back(expand.inputs.size() > 2 ? expand.inputs[2] : "");
  fused.attrs[kFusedExpand] = int64_t{1};
  fused.attrs[kFusedExpandName] = expand.name.empty() ? expand.outputs[0] : expand.name;
  if (expand.has_attr(kFusedClipMin)) {
    fused.attrs[kFusedExpandClipMin] = expand.attr_float(kFusedClipMin, 0.0f);
    fused.attrs[kFusedExpandClipMax] = expand.attr_float(kFusedClipMax, 0.0f);
  }
  graph.nodes[i] = std::move(fused);
  graph.values.erase(mid);
  graph.nodes.erase(graph.nodes.begin() + e);
  return true;
}

}  // namespace

int fuse_expand_depthwise(Graph& graph) { return rewrite_nodes(graph, fuse_at); }

}  // namespace aimc
