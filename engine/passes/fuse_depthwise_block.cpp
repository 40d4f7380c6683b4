#include "engine/passes/fuse_depthwise_block.h"

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

bool no_pads(const Node& n) {
  const auto pads = n.attr_ints("pads", {0, 0, 0, 0});
  return std::all_of(pads.begin(), pads.end(), [](int64_t p) { return p == 0; });
}

// A Conv with constant weight (and bias, if any), no dilation, explicit pads.
bool constant_conv(const Graph& g, const Node& n, const Shape& weight, int64_t out_c) {
  if (n.op_type != "Conv" || n.outputs.size() != 1 || n.inputs.size() < 2) return false;
  if (!constant_of_shape(g, n.inputs[1], weight)) return false;
  if (n.attr_string("auto_pad", "NOTSET") != "NOTSET") return false;
  if (n.attr_ints("dilations", {1, 1}) != std::vector<int64_t>{1, 1}) return false;
  return n.inputs.size() < 3 || n.inputs[2].empty() ||
         constant_of_shape(g, n.inputs[2], Shape{out_c});
}

// A 1x1 conv, group 1, stride 1, no padding, from `in_c` channels.
bool pointwise_conv(const Graph& g, const Node& n, int64_t in_c) {
  const Tensor* w = n.inputs.size() > 1 ? g.initializer(n.inputs[1]) : nullptr;
  if (!w || w->rank() != 4) return false;
  const int64_t out_c = w->dim(0);
  return constant_conv(g, n, Shape{out_c, in_c, 1, 1}, out_c) && n.attr_int("group", 1) == 1 &&
         n.attr_ints("strides", {1, 1}) == std::vector<int64_t>{1, 1} && no_pads(n);
}

// The depthwise conv the fused kernel takes (its own fusions aside).
bool depthwise_conv(const Graph& g, const Node& n) {
  const Tensor* w = n.inputs.size() > 1 ? g.initializer(n.inputs[1]) : nullptr;
  if (!w || w->rank() != 4) return false;
  const int64_t channels = w->dim(0);
  if (!constant_conv(g, n, Shape{channels, 1, 3, 3}, channels)) return false;
  const auto strides = n.attr_ints("strides", {1, 1});
  const auto pads = n.attr_ints("pads", {0, 0, 0, 0});
  return n.attr_int("group", 1) == channels &&
         n.attr_ints("kernel_shape", {3, 3}) == std::vector<int64_t>{3, 3} && strides.size() == 2 &&
         strides[0] == strides[1] && (strides[0] == 1 || strides[0] == 2) && pads.size() == 4 &&
         std::all_of(pads.begin(), pads.end(), [](int64_t p) { return p >= 0 && p <= 2; });
}

// The static [N, C, H, W] float shape of a value with a plane of at least
// kFuseBlockMinPositions, or null.
const Shape* large_plane(const Graph& g, const std::string& v) {
  const auto it = g.values.find(v);
  if (it == g.values.end() || it->second.dtype != DType::kFloat32) return nullptr;
  const Shape& s = it->second.shape;
  if (s.size() != 4 || s[1] <= 0 || s[2] <= 0 || s[3] <= 0) return nullptr;
  return s[2] * s[3] >= kFuseBlockMinPositions ? &s : nullptr;
}

// The node producing `v`, read only by one node and not a graph output, if
// it comes before node i.
int sole_producer(const Graph& g, const std::string& v, std::size_t i) {
  const int p = g.producer(v);
  if (p < 0 || p >= static_cast<int>(i) || g.consumers(v).size() != 1 || is_graph_output(g, v))
    return -1;
  return p;
}

// Appends a 1x1 conv's weight and bias (or "") to the fused node's inputs and
// marks the stage, its name and its fused clip under the stage's attributes.
void attach_stage(Node& fused, const Node& conv, const char* flag, const char* name_attr,
                  const char* clip_min, const char* clip_max) {
  fused.inputs.push_back(conv.inputs[1]);
  fused.inputs.push_back(conv.inputs.size() > 2 ? conv.inputs[2] : "");
  fused.attrs[flag] = int64_t{1};
  fused.attrs[name_attr] = conv.name.empty() ? conv.outputs[0] : conv.name;
  if (conv.has_attr(kFusedClipMin)) {
    fused.attrs[clip_min] = conv.attr_float(kFusedClipMin, 0.0f);
    fused.attrs[clip_max] = conv.attr_float(kFusedClipMax, 0.0f);
  }
}

// Node i is a depthwise conv: fuses the expansion before it.
bool fuse_expand_at(Graph& graph, std::size_t i) {
  const Node& dw = graph.nodes[i];
  if (dw.op_type != "Conv" || dw.inputs.size() < 2 || dw.inputs.size() > 3 ||
      dw.has_attr(kFusedAdd) || dw.has_attr(kFusedExpand) || !depthwise_conv(graph, dw))
    return false;
  const std::string mid = dw.inputs[0];
  const int e = sole_producer(graph, mid, i);
  if (e < 0) return false;
  const Node& expand = graph.nodes[e];
  if (expand.inputs.empty() || expand.inputs.size() > 3 || expand.has_attr(kFusedAdd)) return false;
  const Shape* in = large_plane(graph, expand.inputs[0]);
  if (!in || !pointwise_conv(graph, expand, (*in)[1])) return false;
  if (graph.initializer(expand.inputs[1])->dim(0) != graph.initializer(dw.inputs[1])->dim(0))
    return false;

  Node fused = dw;
  fused.inputs[0] = expand.inputs[0];
  fused.inputs.resize(kFusedExpandWeight, "");
  attach_stage(fused, expand, kFusedExpand, kFusedExpandName, kFusedExpandClipMin,
               kFusedExpandClipMax);
  graph.nodes[i] = std::move(fused);
  graph.values.erase(mid);
  graph.nodes.erase(graph.nodes.begin() + e);
  return true;
}

// Node i is a 1x1 conv: fuses it into the depthwise conv before it.
bool fuse_project_at(Graph& graph, std::size_t i) {
  const Node& project = graph.nodes[i];
  const bool has_add = project.attr_int(kFusedAdd, 0) != 0;
  if (project.op_type != "Conv" || project.inputs.empty() ||
      project.inputs.size() > (has_add ? kFusedAddInput + 1 : kFusedAddInput) ||
      project.has_attr(kFusedExpand) || project.has_attr(kFusedProject))
    return false;
  const std::string mid = project.inputs[0];
  const int d = sole_producer(graph, mid, i);
  if (d < 0) return false;
  const Node& dw = graph.nodes[d];
  const bool dw_expanded = dw.attr_int(kFusedExpand, 0) != 0;
  if (dw.has_attr(kFusedAdd) || dw.has_attr(kFusedProject) || !depthwise_conv(graph, dw) ||
      dw.inputs.size() > (dw_expanded ? kFusedExpandBias + 1 : kFusedAddInput))
    return false;
  if (!large_plane(graph, dw.inputs[0])) return false;
  const int64_t channels = graph.initializer(dw.inputs[1])->dim(0);
  if (!pointwise_conv(graph, project, channels)) return false;
  // The residual must exist when the fused node runs, at the depthwise's place.
  std::string residual;
  if (has_add) {
    residual = project.inputs[kFusedAddInput];
    const int r = graph.producer(residual);
    const bool is_input =
        std::find(graph.inputs.begin(), graph.inputs.end(), residual) != graph.inputs.end();
    if (residual.empty() || !(is_input || (r >= 0 && r < d))) return false;
  }

  Node fused = dw;
  fused.inputs.resize(kFusedProjectWeight, "");
  fused.inputs[kFusedAddInput] = residual;
  attach_stage(fused, project, kFusedProject, kFusedProjectName, kFusedProjectClipMin,
               kFusedProjectClipMax);
  if (has_add) {
    fused.attrs[kFusedAdd] = int64_t{1};
    fused.attrs[kFusedAddName] = project.attr_string(kFusedAddName, project.outputs[0]);
  }
  fused.outputs[0] = project.outputs[0];
  graph.nodes[d] = std::move(fused);
  graph.values.erase(mid);
  graph.nodes.erase(graph.nodes.begin() + static_cast<std::ptrdiff_t>(i));
  return true;
}

}  // namespace

int fuse_depthwise_blocks(Graph& graph) {
  return rewrite_nodes(graph, fuse_expand_at) + rewrite_nodes(graph, fuse_project_at);
}

}  // namespace aimc
