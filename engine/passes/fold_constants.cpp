#include "engine/passes/fold_constants.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "engine/error.h"
#include "engine/kernel.h"
#include "engine/passes/infer_shapes.h"

namespace aimc {
namespace {

// The QDQ lowering matches DequantizeLinear -> op -> QuantizeLinear as written.
bool never_folded(const Node& n) {
  return n.op_type == "QuantizeLinear" || n.op_type == "DequantizeLinear";
}

// The static shape of a value, when every dim is known.
std::optional<Shape> static_shape(const Graph& g, const std::string& value) {
  if (const Tensor* t = g.initializer(value)) return t->shape();
  const auto it = g.values.find(value);
  if (it == g.values.end() || it->second.shape.empty()) return std::nullopt;
  const Shape& s = it->second.shape;
  if (std::any_of(s.begin(), s.end(), [](int64_t d) { return d < 0; })) return std::nullopt;
  return s;
}

// Shape's output for input dims `dims` (opset 15's start/end, clamped).
std::vector<int64_t> shape_slice(const Node& n, const std::vector<int64_t>& dims) {
  const auto rank = static_cast<int64_t>(dims.size());
  auto clamp = [rank](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t{0}, rank); };
  const int64_t start = clamp(n.attr_int("start", 0)), end = clamp(n.attr_int("end", rank));
  return {dims.begin() + start, dims.begin() + std::max(start, end)};
}

// Runs the node's kernel on its constant inputs; nullopt when an input is
// not constant (a Shape reads only its input's static shape).
std::optional<std::vector<Tensor>> evaluate(const Graph& g, const Node& n) {
  if (n.op_type == "Shape") {
    const auto s = n.inputs.empty() ? std::nullopt : static_shape(g, n.inputs[0]);
    if (!s) return std::nullopt;
    const auto dims = shape_slice(n, *s);
    return std::vector<Tensor>{Tensor::from<int64_t>({static_cast<int64_t>(dims.size())}, dims)};
  }
  std::vector<const Tensor*> inputs;
  for (const auto& in : n.inputs) {
    if (in.empty()) {
      inputs.push_back(nullptr);
      continue;
    }
    const Tensor* t = g.initializer(in);
    if (!t) return std::nullopt;
    inputs.push_back(t);
  }
  if (inputs.empty() || never_folded(n) || !is_supported_op(n.op_type)) return std::nullopt;
  const auto kernel = make_kernel(n, g, KernelOptions{});
  std::vector<Tensor> outputs(n.outputs.size());
  kernel->run(RunContext{}, inputs, outputs);
  return outputs;
}

int fold_constant_nodes(Graph& g) {
  int folded = 0;
  for (std::size_t i = 0; i < g.nodes.size();) {
    auto outputs = evaluate(g, g.nodes[i]);
    if (!outputs) {
      ++i;
      continue;
    }
    const Node& n = g.nodes[i];
    for (std::size_t k = 0; k < n.outputs.size(); ++k) {
      if (!n.outputs[k].empty()) g.initializers[n.outputs[k]] = std::move((*outputs)[k]);
    }
    g.nodes.erase(g.nodes.begin() + static_cast<std::ptrdiff_t>(i));
    ++folded;
  }
  return folded;
}

// ---- the unknown batch, followed symbolically ------------------------------------

constexpr int64_t kBatch = std::numeric_limits<int64_t>::min();           // dim 0 of the batch
constexpr int64_t kUnknownDim = std::numeric_limits<int64_t>::min() + 1;  // any other unknown

// A small int64 tensor (rank 0 or 1) whose elements may be symbols.
struct SymInts {
  std::vector<int64_t> v;
  bool scalar = false;
  // The value whose dim 0 a kBatch element is (followed back through ops
  // that keep dim 0); empty when no element is kBatch.
  std::string batch_of;
};

using SymMap = std::map<std::string, SymInts>;

// The values of a constant int tensor of rank 0 or 1.
std::optional<std::vector<int64_t>> constant_ints(const Graph& g, const std::string& name) {
  const Tensor* t = g.initializer(name);
  if (!t || t->rank() > 1) return std::nullopt;
  if (t->dtype() == DType::kInt64) {
    const auto v = t->values<int64_t>();
    return std::vector<int64_t>(v.begin(), v.end());
  }
  if (t->dtype() == DType::kInt32) {
    const auto v = t->values<int32_t>();
    return std::vector<int64_t>(v.begin(), v.end());
  }
  return std::nullopt;
}

// An input as symbolic ints: a tracked value or a constant int tensor (one
// holding a symbol's value is not taken for the symbol).
std::optional<SymInts> sym_input(const Graph& g, const SymMap& sym, const std::string& name) {
  if (const auto it = sym.find(name); it != sym.end()) return it->second;
  auto v = constant_ints(g, name);
  if (!v || std::any_of(v->begin(), v->end(), [](int64_t d) { return d <= kUnknownDim; })) {
    return std::nullopt;
  }
  return SymInts{std::move(*v), g.initializer(name)->rank() == 0, {}};
}

// Slice of a 1-D symbolic value along axis 0 with constant starts and ends
// (inputs from opset 10, attributes before) and step 1.
std::optional<SymInts> sym_slice(const Graph& g, const Node& n, const SymInts& x) {
  std::optional<std::vector<int64_t>> starts, ends, axes = std::vector<int64_t>{0}, steps;
  if (g.opset < 10) {
    starts = n.attr_ints("starts");
    ends = n.attr_ints("ends");
    axes = n.attr_ints("axes", {0});
  } else {
    if (n.inputs.size() < 3) return std::nullopt;
    starts = constant_ints(g, n.inputs[1]);
    ends = constant_ints(g, n.inputs[2]);
    if (n.inputs.size() > 3 && !n.inputs[3].empty()) axes = constant_ints(g, n.inputs[3]);
    if (n.inputs.size() > 4 && !n.inputs[4].empty()) steps = constant_ints(g, n.inputs[4]);
  }
  const bool unit_steps = !steps || *steps == std::vector<int64_t>{1};
  if (x.scalar || !starts || !ends || !axes || starts->size() != 1 || ends->size() != 1 ||
      (*axes != std::vector<int64_t>{0} && *axes != std::vector<int64_t>{-1}) || !unit_steps) {
    return std::nullopt;
  }
  const auto size = static_cast<int64_t>(x.v.size());
  auto clamp = [size](int64_t i) {
    return std::clamp(i < 0 ? std::max(i, -size) + size : i, int64_t{0}, size);
  };
  const int64_t b = clamp((*starts)[0]), e = std::max(b, clamp((*ends)[0]));
  return SymInts{{x.v.begin() + b, x.v.begin() + e}, false, x.batch_of};
}

// The value `v`'s dim 0 comes from: followed back through ops whose output
// has their first input's dim 0, so view(x.size(0), -1) of relu(x) folds too.
std::string batch_root(const Graph& g, std::string v) {
  static const std::set<std::string> kKeepDim0 = {
      "Relu",        "LeakyRelu", "Sigmoid", "Tanh",       "HardSigmoid",        "HardSwish",
      "Clip",        "Identity",  "Dropout", "Conv",       "BatchNormalization", "MaxPool",
      "AveragePool", "LRN",       "Softmax", "LogSoftmax", "GlobalAveragePool"};
  for (int p = g.producer(v);
       p >= 0 && kKeepDim0.count(g.nodes[static_cast<std::size_t>(p)].op_type); p = g.producer(v)) {
    v = g.nodes[static_cast<std::size_t>(p)].inputs.at(0);
  }
  return v;
}

// The symbolic output of a Shape of a value whose dim 0 is the unknown batch.
std::optional<SymInts> sym_shape(const Graph& g, const Node& n) {
  const auto it = g.values.find(n.inputs.at(0));
  if (it == g.values.end() || it->second.shape.empty() || it->second.shape[0] >= 0) {
    return std::nullopt;
  }
  std::vector<int64_t> dims = it->second.shape;
  for (std::size_t d = 0; d < dims.size(); ++d) {
    if (dims[d] < 0) dims[d] = d == 0 ? kBatch : kUnknownDim;
  }
  SymInts out{shape_slice(n, dims), false, {}};
  if (std::find(out.v.begin(), out.v.end(), kBatch) != out.v.end()) {
    out.batch_of = batch_root(g, n.inputs[0]);
  }
  return out;
}

// The symbolic output of the ops a view subgraph is made of; nullopt for
// anything else (those run as ordinary nodes).
std::optional<SymInts> sym_eval(const Graph& g, const SymMap& sym, const Node& n) {
  if (n.op_type == "Shape") return sym_shape(g, n);
  std::vector<SymInts> in;
  bool any_sym = false;
  for (const auto& name : n.inputs) {
    const auto s = name.empty() ? std::nullopt : sym_input(g, sym, name);
    if (!s) return std::nullopt;
    any_sym = any_sym || sym.count(name);
    in.push_back(*s);
  }
  if (!any_sym || n.outputs.size() != 1) return std::nullopt;
  const std::string& op = n.op_type;
  if (op == "Identity" ||
      (op == "Cast" && (n.attr_int("to", 0) == 7 || n.attr_int("to", 0) == 6))) {
    return in[0];
  }
  if (op == "Gather" && in.size() == 2 && !in[0].scalar && n.attr_int("axis", 0) == 0) {
    SymInts out{{}, in[1].scalar, in[0].batch_of};
    const auto size = static_cast<int64_t>(in[0].v.size());
    for (int64_t i : in[1].v) {
      if (i < -size || i >= size) return std::nullopt;
      out.v.push_back(in[0].v[static_cast<std::size_t>(i < 0 ? i + size : i)]);
    }
    return out;
  }
  const auto axes = g.opset < 13 ? std::optional(n.attr_ints("axes"))
                                 : (in.size() > 1 ? std::optional(in[1].v) : std::nullopt);
  if (op == "Unsqueeze" && in[0].scalar && axes && axes->size() == 1 &&
      ((*axes)[0] == 0 || (*axes)[0] == -1)) {
    return SymInts{in[0].v, false, in[0].batch_of};
  }
  if (op == "Slice") return sym_slice(g, n, in[0]);
  if (op == "Squeeze" && !in[0].scalar && in[0].v.size() == 1)
    return SymInts{in[0].v, true, in[0].batch_of};
  if (op == "Concat" && (n.attr_int("axis", 0) == 0 || n.attr_int("axis", 0) == -1)) {
    SymInts out;
    for (const auto& s : in) {
      // Batches of two different values may differ.
      if (s.scalar ||
          (!s.batch_of.empty() && !out.batch_of.empty() && s.batch_of != out.batch_of)) {
        return std::nullopt;
      }
      if (out.batch_of.empty()) out.batch_of = s.batch_of;
      out.v.insert(out.v.end(), s.v.begin(), s.v.end());
    }
    return out;
  }
  return std::nullopt;
}

// A Reshape whose target is the batch at position 0 and constants elsewhere,
// over an input whose dim 0 is the batch: the target with 0 ("copy") there.
std::optional<std::vector<int64_t>> batch_target(const Graph& g, const Node& n,
                                                 const SymInts& target) {
  if (n.attr_int("allowzero", 0) != 0 || target.scalar || target.v.empty()) return std::nullopt;
  const auto it = g.values.find(n.inputs[0]);
  if (it == g.values.end() || it->second.shape.empty() || it->second.shape[0] >= 0) {
    return std::nullopt;
  }
  std::vector<int64_t> out = target.v;
  if (out[0] != kBatch || target.batch_of != batch_root(g, n.inputs[0])) return std::nullopt;
  out[0] = 0;
  for (int64_t d : out) {
    if (d == kBatch || d == kUnknownDim) return std::nullopt;
  }
  return out;
}

// Follows the shape subgraphs and rewrites the Reshapes they end in; returns
// how many were rewritten.
int fold_batch_reshapes(Graph& g) {
  SymMap sym;
  int rewritten = 0;
  for (Node& n : g.nodes) {
    if (n.op_type == "Reshape" && n.inputs.size() > 1 && sym.count(n.inputs[1])) {
      if (const auto target = batch_target(g, n, sym.at(n.inputs[1]))) {
        const std::string name = n.name + "/batch_shape";
        g.initializers[name] =
            Tensor::from<int64_t>({static_cast<int64_t>(target->size())}, *target);
        n.inputs[1] = name;
        ++rewritten;
      }
      continue;
    }
    if (auto s = sym_eval(g, sym, n)) sym[n.outputs[0]] = std::move(*s);
  }
  return rewritten;
}

// Removes nodes of the given types whose outputs nothing reads (the shape
// subgraphs a folded Reshape left behind).
int remove_unread(Graph& g) {
  static const std::set<std::string> kShapeOps = {"Shape",  "Gather", "Unsqueeze", "Squeeze",
                                                  "Concat", "Cast",   "Identity",  "Slice"};
  int removed = 0;
  for (bool again = true; again;) {
    again = false;
    std::set<std::string> read(g.outputs.begin(), g.outputs.end());
    for (const Node& n : g.nodes) read.insert(n.inputs.begin(), n.inputs.end());
    for (std::size_t i = g.nodes.size(); i-- > 0;) {
      const Node& n = g.nodes[i];
      const bool unread = std::none_of(n.outputs.begin(), n.outputs.end(),
                                       [&](const std::string& o) { return read.count(o); });
      if (unread && kShapeOps.count(n.op_type)) {
        g.nodes.erase(g.nodes.begin() + static_cast<std::ptrdiff_t>(i));
        ++removed;
        again = true;
      }
    }
  }
  return removed;
}

}  // namespace

FoldStats fold_constants(Graph& graph) {
  FoldStats stats;
  for (bool changed = true; changed;) {
    const int folded = fold_constant_nodes(graph);
    const int reshapes = fold_batch_reshapes(graph);
    stats.folded_nodes += folded;
    stats.batch_reshapes += reshapes;
    stats.removed_nodes += remove_unread(graph);
    changed = folded + reshapes > 0;
    // Folded values make more shapes static, which lets more Shapes fold.
    if (changed) infer_shapes(graph);
  }
  return stats;
}

}  // namespace aimc
