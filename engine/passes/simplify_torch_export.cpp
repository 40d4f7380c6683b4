#include "engine/passes/simplify_torch_export.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "engine/passes/infer_shapes.h"

namespace aimc {
namespace {

bool is_graph_output(const Graph& g, const std::string& v) {
  return std::find(g.outputs.begin(), g.outputs.end(), v) != g.outputs.end();
}

// The type of a QuantizeLinear's output: its zero point's, uint8 without one.
std::optional<DType> quantized_type(const Graph& g, const std::string& value) {
  const int p = g.producer(value);
  if (p < 0 || g.nodes[p].op_type != "QuantizeLinear") return std::nullopt;
  const Node& q = g.nodes[p];
  if (q.inputs.size() < 3 || q.inputs[2].empty()) return DType::kUInt8;
  const Tensor* zp = g.initializer(q.inputs[2]);
  return zp ? std::optional(zp->dtype()) : std::nullopt;
}

// Points every reader of `from` at `to`.
void redirect_readers(Graph& g, const std::string& from, const std::string& to) {
  for (Node& n : g.nodes) std::replace(n.inputs.begin(), n.inputs.end(), from, to);
}

int remove_noop_casts(Graph& g) {
  int removed = 0;
  for (std::size_t i = 0; i < g.nodes.size();) {
    const Node& n = g.nodes[i];
    const bool noop = n.op_type == "Cast" && n.inputs.size() == 1 && n.outputs.size() == 1 &&
                      !is_graph_output(g, n.outputs[0]) &&
                      quantized_dtype(n.attr_int("to", 0)) == quantized_type(g, n.inputs[0]) &&
                      quantized_type(g, n.inputs[0]).has_value();
    if (!noop) {
      ++i;
      continue;
    }
    const std::string from = n.outputs[0], to = n.inputs[0];
    g.nodes.erase(g.nodes.begin() + static_cast<std::ptrdiff_t>(i));
    redirect_readers(g, from, to);
    ++removed;
  }
  return removed;
}

// Two constant quantization parameters with equal values (a scalar and a
// one-element vector compare equal: the exporter writes both).
bool same_constant(const Graph& g, const std::string& a, const std::string& b) {
  if (a == b) return true;
  const Tensor* ta = g.initializer(a);
  const Tensor* tb = g.initializer(b);
  return ta && tb && ta->dtype() == tb->dtype() && ta->size() == tb->size() &&
         std::memcmp(ta->raw(), tb->raw(), ta->byte_size()) == 0;
}

// Per-tensor constant scale and zero point shared by the three nodes.
bool same_quantization(const Graph& g, const Node& a, const Node& b) {
  if (a.inputs.size() != 3 || b.inputs.size() != 3) return false;
  const Tensor* scale = g.initializer(a.inputs[1]);
  return scale && scale->size() == 1 && same_constant(g, a.inputs[1], b.inputs[1]) &&
         same_constant(g, a.inputs[2], b.inputs[2]);
}

// The single reader of `value`, or -1.
int sole_reader(const Graph& g, const std::string& value) {
  const auto readers = g.consumers(value);
  return readers.size() == 1 && !is_graph_output(g, value) ? readers[0] : -1;
}

// op -> Q1 -> DQ1 -> Relu -> Q2, all with one scale and zero point, becomes
// op -> Relu -> Q2 (exact, see the header). Returns whether it merged one.
bool merge_requantized_relu(Graph& g) {
  for (std::size_t r = 0; r < g.nodes.size(); ++r) {
    Node& relu = g.nodes[r];
    if (relu.op_type != "Relu" || relu.inputs.size() != 1) continue;
    const int dq = g.producer(relu.inputs[0]);
    if (dq < 0 || g.nodes[dq].op_type != "DequantizeLinear") continue;
    const int q1 = g.producer(g.nodes[dq].inputs[0]);
    const int q2 = sole_reader(g, relu.outputs[0]);
    if (q1 < 0 || q2 < 0 || g.nodes[q1].op_type != "QuantizeLinear" ||
        g.nodes[q2].op_type != "QuantizeLinear" || sole_reader(g, g.nodes[q1].outputs[0]) != dq ||
        sole_reader(g, g.nodes[dq].outputs[0]) != static_cast<int>(r) ||
        !same_quantization(g, g.nodes[q1], g.nodes[dq]) ||
        !same_quantization(g, g.nodes[q1], g.nodes[q2]))
      continue;
    relu.inputs[0] = g.nodes[q1].inputs[0];
    const auto [first, second] = std::minmax(q1, dq);
    g.nodes.erase(g.nodes.begin() + second);
    g.nodes.erase(g.nodes.begin() + first);
    return true;
  }
  return false;
}

}  // namespace

TorchExportRewrites simplify_torch_export(Graph& graph) {
  TorchExportRewrites rewrites;
  rewrites.removed_casts = remove_noop_casts(graph);
  while (merge_requantized_relu(graph)) ++rewrites.merged_relus;
  return rewrites;
}

}  // namespace aimc
