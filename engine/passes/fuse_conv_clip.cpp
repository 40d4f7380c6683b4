#include "engine/passes/fuse_conv_clip.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "engine/passes/rewrite_nodes.h"

namespace aimc {
namespace {

// A bound given as an optional input: absent means unbounded; a scalar float
// initializer is its value; anything else (computed at run time) is not fusable.
std::optional<float> input_bound(const Graph& g, const Node& clip, std::size_t i, float fallback) {
  if (clip.inputs.size() <= i || clip.inputs[i].empty()) return fallback;
  const Tensor* t = g.initializer(clip.inputs[i]);
  if (!t || t->dtype() != DType::kFloat32 || t->size() != 1) return std::nullopt;
  return t->data<float>()[0];
}

bool fuse_at(Graph& graph, std::size_t i) {
  const Node clip = graph.nodes[i];
  if (clip.op_type != "Clip" || clip.inputs.empty() || clip.outputs.size() != 1) return false;
  const std::string x = clip.inputs[0];
  const int c = graph.producer(x);
  if (c < 0 || graph.nodes[c].op_type != "Conv" || graph.nodes[c].outputs.size() != 1) return false;
  if (graph.consumers(x).size() != 1) return false;
  if (std::find(graph.outputs.begin(), graph.outputs.end(), x) != graph.outputs.end()) return false;
  const auto value = graph.values.find(x);
  if (value != graph.values.end() && value->second.dtype != DType::kFloat32) return false;
  Node& conv = graph.nodes[c];
  if (conv.has_attr(kFusedClipMin)) return false;
  constexpr float kLowest = std::numeric_limits<float>::lowest();
  constexpr float kMax = std::numeric_limits<float>::max();
  std::optional<float> lo, hi;
  if (graph.opset < 11 || clip.has_attr("min") || clip.has_attr("max")) {
    if (clip.inputs.size() > 1) return false;  // the Clip kernel refuses this; leave it to it
    lo = clip.attr_float("min", kLowest);
    hi = clip.attr_float("max", kMax);
  } else {
    lo = input_bound(graph, clip, 1, kLowest);
    hi = input_bound(graph, clip, 2, kMax);
  }
  if (!lo || !hi) return false;
  conv.attrs[kFusedClipMin] = *lo;
  conv.attrs[kFusedClipMax] = *hi;
  conv.outputs[0] = clip.outputs[0];
  if (value != graph.values.end()) graph.values.erase(value);
  graph.nodes.erase(graph.nodes.begin() + static_cast<std::ptrdiff_t>(i));
  return true;
}

}  // namespace

int fuse_conv_clip(Graph& graph) { return rewrite_nodes(graph, fuse_at); }

}  // namespace aimc
