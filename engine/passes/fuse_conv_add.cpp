#include "engine/passes/fuse_conv_add.h"

#include <algorithm>

#include "engine/passes/rewrite_nodes.h"

namespace aimc {
namespace {

bool is_graph_output(const Graph& g, const std::string& v) {
  return std::find(g.outputs.begin(), g.outputs.end(), v) != g.outputs.end();
}

// Static float shape of a value, or null when unknown.
const ValueInfo* float_info(const Graph& g, const std::string& v) {
  const auto it = g.values.find(v);
  if (it == g.values.end() || it->second.dtype != DType::kFloat32 || it->second.shape.empty())
    return nullptr;
  return &it->second;
}

bool fuse_at(Graph& graph, std::size_t i) {
  const Node add = graph.nodes[i];
  if (add.op_type != "Add" || add.inputs.size() != 2 || add.outputs.size() != 1) return false;
  for (int side = 0; side < 2; ++side) {
    const std::string& x = add.inputs[side];
    const std::string& other = add.inputs[1 - side];
    if (x.empty() || other.empty() || x == other) continue;
    const int c = graph.producer(x);
    if (c < 0) continue;
    const Node& conv = graph.nodes[c];
    if (conv.op_type != "Conv" || conv.outputs.size() != 1 || conv.inputs.size() > 3 ||
        conv.has_attr(kFusedAdd))
      continue;
    if (graph.consumers(x).size() != 1 || is_graph_output(graph, x)) continue;
    // The other operand must exist when the conv runs: a graph input or the
    // output of an earlier node (a constant could broadcast; it is left alone).
    if (graph.initializer(other)) continue;
    const int p = graph.producer(other);
    const bool is_input =
        std::find(graph.inputs.begin(), graph.inputs.end(), other) != graph.inputs.end();
    if (!(is_input || (p >= 0 && p < c))) continue;
    const ValueInfo* xi = float_info(graph, x);
    const ValueInfo* oi = float_info(graph, other);
    if (!xi || !oi || xi->shape != oi->shape) continue;
    Node& fused = graph.nodes[c];
    fused.inputs.resize(kFusedAddInput, "");
    fused.inputs.push_back(other);
    fused.attrs[kFusedAdd] = int64_t{1};
    fused.attrs[kFusedAddName] = add.name.empty() ? add.outputs[0] : add.name;
    fused.outputs[0] = add.outputs[0];
    graph.values.erase(x);
    graph.nodes.erase(graph.nodes.begin() + static_cast<std::ptrdiff_t>(i));
    return true;
  }
  return false;
}

}  // namespace

int fuse_conv_add(Graph& graph) { return rewrite_nodes(graph, fuse_at); }

}  // namespace aimc
