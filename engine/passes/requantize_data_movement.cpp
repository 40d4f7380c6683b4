#include "engine/passes/requantize_data_movement.h"

#include <set>

namespace aimc {
namespace {

const std::set<std::string> kMovers = {"Flatten", "Reshape", "MaxPool"};

// The DequantizeLinear producing `value` when its parameters are constant
// and per tensor, else null.
const Node* per_tensor_dequantize(const Graph& g, const std::string& value) {
  const int p = g.producer(value);
  if (p < 0) return nullptr;
  const Node& dq = g.nodes[p];
  if (dq.op_type != "DequantizeLinear" || dq.inputs.size() < 2) return nullptr;
  const Tensor* scale = g.initializer(dq.inputs[1]);
  if (!scale || scale->size() != 1) return nullptr;
  if (dq.inputs.size() > 2 && !dq.inputs[2].empty()) {
    const Tensor* zp = g.initializer(dq.inputs[2]);
    if (!zp || zp->size() != 1) return nullptr;
  }
  return &dq;
}

bool quantized_already(const Graph& g, const std::string& value) {
  const auto readers = g.consumers(value);
  return readers.size() == 1 && g.nodes[readers[0]].op_type == "QuantizeLinear";
}

std::string unused_name(const Graph& g, std::string name) {
  while (g.is_initializer(name) || g.values.count(name) || g.producer(name) >= 0) name += "_";
  return name;
}

}  // namespace

int requantize_data_movement(Graph& graph) {
  int added = 0;
  std::vector<Node> out;
  out.reserve(graph.nodes.size());
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    Node n = graph.nodes[i];
    const Node* dq = kMovers.count(n.op_type) && !n.inputs.empty() && n.outputs.size() == 1
                         ? per_tensor_dequantize(graph, n.inputs[0])
                         : nullptr;
    if (!dq || quantized_already(graph, n.outputs[0])) {
      out.push_back(std::move(n));
      continue;
    }
    const std::string result = n.outputs[0];
    const std::string moved = unused_name(graph, result + "#moved");
    const std::string quantized = unused_name(graph, result + "#quantized");
    std::vector<std::string> params(dq->inputs.begin() + 1, dq->inputs.end());
    Node q, back;
    q.name = n.name + "/quantize";
    q.op_type = "QuantizeLinear";
    q.inputs = {moved};
    q.inputs.insert(q.inputs.end(), params.begin(), params.end());
    q.outputs = {quantized};
    back.name = n.name + "/dequantize";
    back.op_type = "DequantizeLinear";
    back.inputs = {quantized};
    back.inputs.insert(back.inputs.end(), params.begin(), params.end());
    back.outputs = {result};
    n.outputs[0] = moved;
    out.push_back(std::move(n));
    out.push_back(std::move(q));
    out.push_back(std::move(back));
    ++added;
  }
  graph.nodes = std::move(out);
  return added;
}

}  // namespace aimc
