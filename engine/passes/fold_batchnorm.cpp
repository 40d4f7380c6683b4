#include "engine/passes/fold_batchnorm.h"

#include <algorithm>
#include <cmath>

#include "engine/passes/rewrite_nodes.h"

namespace aimc {
namespace {

const Tensor* float_constant(const Graph& g, const std::string& name) {
  const Tensor* t = name.empty() ? nullptr : g.initializer(name);
  return t && t->dtype() == DType::kFloat32 ? t : nullptr;
}

bool is_graph_output(const Graph& g, const std::string& name) {
  return std::find(g.outputs.begin(), g.outputs.end(), name) != g.outputs.end();
}

bool name_taken(const Graph& g, const std::string& name) {
  if (g.is_initializer(name) || g.values.count(name) || is_graph_output(g, name)) return true;
  if (std::find(g.inputs.begin(), g.inputs.end(), name) != g.inputs.end()) return true;
  return g.producer(name) >= 0 || !g.consumers(name).empty();
}

std::string fresh_name(const Graph& g, const std::string& base) {
  std::string name = base;
  for (int i = 1; name_taken(g, name); ++i) name = base + "_" + std::to_string(i);
  return name;
}

// Drops an initializer nothing reads any more (the original weight/bias).
void drop_if_unused(Graph& g, const std::string& name) {
  if (name.empty() || !g.is_initializer(name) || is_graph_output(g, name)) return;
  if (g.consumers(name).empty()) g.initializers.erase(name);
}

// The BN parameters when `bn` is an inference-mode BN over the output of
// `conv` with `channels` channels: per-channel scale s and shift t (y = s*x + t).
bool bn_affine(const Graph& g, const Node& bn, int64_t channels, std::vector<double>& s,
               std::vector<double>& t) {
  if (bn.inputs.size() != 5 || bn.outputs.empty() || bn.attr_int("training_mode", 0) != 0 ||
      bn.attr_int("spatial", 1) != 1) {
    return false;
  }
  for (std::size_t i = 1; i < bn.outputs.size(); ++i) {
    if (!bn.outputs[i].empty()) return false;
  }
  const Tensor* p[4];
  for (int i = 0; i < 4; ++i) {
    p[i] = float_constant(g, bn.inputs[i + 1]);
    if (!p[i] || p[i]->size() != channels) return false;
  }
  const double eps = bn.attr_float("epsilon", 1e-5f);
  s.resize(static_cast<std::size_t>(channels));
  t.resize(static_cast<std::size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) {
    const double scale = p[0]->data<float>()[c], shift = p[1]->data<float>()[c];
    const double mean = p[2]->data<float>()[c], var = p[3]->data<float>()[c];
    s[c] = scale / std::sqrt(var + eps);
    t[c] = shift - mean * s[c];
  }
  return true;
}

// Folds graph.nodes[i] into its Conv if it is a foldable BN; true if it did
// (and so removed node i).
bool fold_at(Graph& graph, std::size_t i) {
  const Node bn = graph.nodes[i];
  if (bn.op_type != "BatchNormalization" || bn.inputs.empty()) return false;
  const std::string x = bn.inputs[0];
  const int c = graph.producer(x);
  if (c < 0 || graph.nodes[c].op_type != "Conv" || is_graph_output(graph, x)) return false;
  if (graph.consumers(x).size() != 1) return false;
  Node& conv = graph.nodes[c];
  if (conv.outputs.size() != 1 || conv.inputs.size() < 2) return false;
  const Tensor* w = float_constant(graph, conv.inputs[1]);
  const std::string bias_name = conv.inputs.size() > 2 ? conv.inputs[2] : "";
  const Tensor* b = float_constant(graph, bias_name);
  if (!w || w->rank() < 3 || (!bias_name.empty() && !b)) return false;
  const int64_t out_c = w->dim(0);
  if (b && b->size() != out_c) return false;
  std::vector<double> s, t;
  if (!bn_affine(graph, bn, out_c, s, t)) return false;

  // W' = W * s[o]; b' = b * s + t = (b - mean) * s + B.
  Tensor new_w(DType::kFloat32, w->shape());
  const int64_t per_out = w->size() / out_c;
  for (int64_t o = 0; o < out_c; ++o) {
    for (int64_t k = 0; k < per_out; ++k) {
      const int64_t idx = o * per_out + k;
      new_w.data<float>()[idx] = static_cast<float>(w->data<float>()[idx] * s[o]);
    }
  }
  Tensor new_b(DType::kFloat32, {out_c});
  for (int64_t o = 0; o < out_c; ++o) {
    const double bias = b ? b->data<float>()[o] : 0.0;
    new_b.data<float>()[o] = static_cast<float>(bias * s[o] + t[o]);
  }
  const std::string old_w = conv.inputs[1], old_b = bias_name;
  const std::string w_name = fresh_name(graph, conv.name + "_bnfold_W");
  graph.initializers.emplace(w_name, std::move(new_w));
  const std::string b_name = fresh_name(graph, conv.name + "_bnfold_B");
  graph.initializers.emplace(b_name, std::move(new_b));

  // The conv now writes the BN's output and the BN (after it) goes away, so
  // the order stays topological.
  conv.inputs.resize(3);
  conv.inputs[1] = w_name;
  conv.inputs[2] = b_name;
  conv.outputs[0] = bn.outputs.at(0);
  graph.values.erase(x);
  graph.nodes.erase(graph.nodes.begin() + static_cast<std::ptrdiff_t>(i));
  for (std::size_t k = 1; k < bn.inputs.size(); ++k) drop_if_unused(graph, bn.inputs[k]);
  drop_if_unused(graph, old_w);
  drop_if_unused(graph, old_b);
  return true;
}

}  // namespace

int fold_batchnorm_into_conv(Graph& graph) { return rewrite_nodes(graph, fold_at); }

}  // namespace aimc
