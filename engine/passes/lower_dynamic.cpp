#include "engine/passes/lower_dynamic.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace aimc {
namespace {

bool is_8bit(DType t) { return t == DType::kInt8 || t == DType::kUInt8; }

// One matched chain and the op that replaces it.
struct Match {
  std::vector<int> absorbed;    // the product op, Cast, Mul(s), Add, activation
  std::vector<int> maybe_dead;  // the DynamicQuantizeLinear and x_scale·w_scale Muls
  Node lowered;
};

class DynamicLowering {
 public:
  explicit DynamicLowering(Graph& g) : g_(g) {}

  int run() {
    std::vector<Match> matches;
    for (std::size_t i = 0; i < g_.nodes.size(); ++i) {
      const std::string& op = g_.nodes[i].op_type;
      if (op != "MatMulInteger" && op != "ConvInteger") continue;
      if (auto m = match(static_cast<int>(i))) matches.push_back(std::move(*m));
    }
    if (!matches.empty()) rebuild(matches);
    return static_cast<int>(matches.size());
  }

 private:
  bool is_graph_output(const std::string& v) const {
    return std::find(g_.outputs.begin(), g_.outputs.end(), v) != g_.outputs.end();
  }

  int sole_consumer(const std::string& value) const {
    const auto c = g_.consumers(value);
    return c.size() == 1 && !is_graph_output(value) ? c[0] : -1;
  }

  const Tensor* float_constant(const std::string& name) const {
    const Tensor* t = g_.initializer(name);
    return t && t->dtype() == DType::kFloat32 && t->size() >= 1 ? t : nullptr;
  }

  // The values of a constant that broadcasts against the output (rank
  // out_rank, channels along `axis`) without changing its shape: one value,
  // or one per channel. An unknown out_rank (-1) allows rank <= 1 on the
  // last axis only.
  std::optional<std::vector<float>> per_channel(const Tensor& t) const {
    const int rank = t.rank();
    if (out_rank_ < 0 ? rank > 1 : rank > out_rank_) return std::nullopt;
    const int at = out_rank_ < 0 ? rank - 1 : axis_ - (out_rank_ - rank);
    for (int d = 0; d < rank; ++d)
      if (t.dim(d) != 1 && (d != at || t.dim(d) != channels_)) return std::nullopt;
    const auto v = t.values<float>();
    return std::vector<float>(v.begin(), v.end());
  }

  struct Step {
    int64_t kind = 0;  // qdynamic_epilogue.h: 0 constant, 1 x scale, 2 x scale · constant
    std::vector<float> constant;
    int scale_mul = -1;
  };

  // The other operand of a Mul of the chain, as a scale step.
  std::optional<Step> classify(const std::string& v, const std::string& x_scale) const {
    if (v == x_scale) return Step{1, {}, -1};
    if (const Tensor* t = float_constant(v)) {
      auto c = per_channel(*t);
      return c ? std::optional(Step{0, std::move(*c), -1}) : std::nullopt;
    }
    const int p = g_.producer(v);
    if (p < 0 || g_.nodes[p].op_type != "Mul" || g_.nodes[p].inputs.size() != 2)
      return std::nullopt;
    const auto& ins = g_.nodes[p].inputs;
    const std::string& other = ins[0] == x_scale ? ins[1] : ins[1] == x_scale ? ins[0] : x_scale;
    const Tensor* t = other == x_scale ? nullptr : float_constant(other);
    if (!t) return std::nullopt;
    auto c = per_channel(*t);
    return c ? std::optional(Step{2, std::move(*c), p}) : std::nullopt;
  }

  // The product op's own checks: DynamicQuantizeLinear's outputs as x and
  // its zero point, a constant 8-bit weight and weight zero point.
  int dynamic_source(const Node& mm, bool conv) {
    if (mm.inputs.size() < 3 || mm.outputs.size() != 1) return -1;
    const int dq = g_.producer(mm.inputs[0]);
    if (dq < 0 || g_.nodes[dq].op_type != "DynamicQuantizeLinear") return -1;
    const Node& d = g_.nodes[dq];
    if (d.inputs.empty() || d.inputs[0].empty() || d.outputs.size() < 3 ||
        d.outputs[0] != mm.inputs[0] || d.outputs[2] != mm.inputs[2])
      return -1;
    const Tensor* w = g_.initializer(mm.inputs[1]);
    if (!w || !is_8bit(w->dtype()) || (conv ? w->rank() < 3 || w->rank() > 5 : w->rank() != 2))
      return -1;
    channels_ = conv ? w->dim(0) : w->dim(1);
    if (mm.inputs.size() > 3 && !mm.inputs[3].empty()) {
      const Tensor* z = g_.initializer(mm.inputs[3]);
      if (!z || z->dtype() != w->dtype() ||
          (z->size() != 1 && (z->rank() != 1 || z->size() != channels_)))
        return -1;
    }
    out_rank_ = -1;
    if (conv) {
      out_rank_ = w->rank();
    } else if (auto it = g_.values.find(mm.outputs[0]);
               it != g_.values.end() && !it->second.shape.empty()) {
      out_rank_ = static_cast<int>(it->second.shape.size());
    }
    axis_ = conv ? 1 : out_rank_ - 1;
    return dq;
  }

  // Relu, or Clip with constant (or attribute) bounds, as the float kernels read them.
  bool activation(const Node& a, Node& lowered) const {
    if (a.op_type == "Relu") {
      lowered.attrs["activation"] = std::string("Relu");
      return true;
    }
    if (a.op_type != "Clip") return false;
    float lo = std::numeric_limits<float>::lowest(), hi = std::numeric_limits<float>::max();
    if (g_.opset < 11 || a.has_attr("min") || a.has_attr("max")) {
      if (a.inputs.size() > 1) return false;
      lo = a.attr_float("min", lo);
      hi = a.attr_float("max", hi);
    }
    for (std::size_t k = 1; k < a.inputs.size() && k < 3; ++k) {
      if (a.inputs[k].empty()) continue;
      const Tensor* t = float_constant(a.inputs[k]);
      if (!t || t->size() != 1) return false;
      (k == 1 ? lo : hi) = t->data<float>()[0];
    }
    lowered.attrs["activation"] = std::string("Clip");
    lowered.attrs["clip_min"] = lo;
    lowered.attrs["clip_max"] = hi;
    return true;
  }

  std::optional<Match> match(int idx) {
    const Node& mm = g_.nodes[idx];
    const bool conv = mm.op_type == "ConvInteger";
    const int dq = dynamic_source(mm, conv);
    if (dq < 0) return std::nullopt;
    const Node& d = g_.nodes[dq];
    const int cast = sole_consumer(mm.outputs[0]);
    if (cast < 0 || g_.nodes[cast].op_type != "Cast" || g_.nodes[cast].attr_int("to", 0) != 1 ||
        g_.nodes[cast].outputs.size() != 1)
      return std::nullopt;
    Match m;
    m.absorbed = {idx, cast};
    m.maybe_dead = {dq};
    Node& low = m.lowered;
    low.name = mm.name;
    low.op_type = conv ? "QDynamicConv" : "QDynamicGemm";
    if (conv) low.attrs = mm.attrs;  // pads, strides, dilations, group, ...
    low.inputs = {d.inputs[0], mm.inputs[1], mm.inputs.size() > 3 ? mm.inputs[3] : ""};
    std::string cur = g_.nodes[cast].outputs[0];
    int next = sole_consumer(cur);
    std::vector<int64_t> kinds;
    for (; next >= 0 && g_.nodes[next].op_type == "Mul"; next = sole_consumer(cur)) {
      const Node& mul = g_.nodes[next];
      if (mul.inputs.size() != 2 || mul.inputs[0] == mul.inputs[1] || mul.outputs.size() != 1)
        break;
      auto step = classify(mul.inputs[0] == cur ? mul.inputs[1] : mul.inputs[0], d.outputs[1]);
      if (!step) break;
      if (step->kind != 1) low.attrs["scale_" + std::to_string(kinds.size())] = step->constant;
      if (step->scale_mul >= 0) m.maybe_dead.push_back(step->scale_mul);
      kinds.push_back(step->kind);
      m.absorbed.push_back(next);
      cur = mul.outputs[0];
    }
    low.attrs["scale_steps"] = kinds;
    if (next >= 0 && g_.nodes[next].op_type == "Add" && g_.nodes[next].inputs.size() == 2 &&
        g_.nodes[next].outputs.size() == 1) {
      const Node& add = g_.nodes[next];
      const Tensor* b = float_constant(add.inputs[0] == cur ? add.inputs[1] : add.inputs[0]);
      if (auto bias = b ? per_channel(*b) : std::nullopt) {
        low.attrs["bias"] = *bias;
        m.absorbed.push_back(next);
        cur = add.outputs[0];
        next = sole_consumer(cur);
      }
    }
    if (next >= 0 && g_.nodes[next].outputs.size() == 1 && activation(g_.nodes[next], low)) {
      m.absorbed.push_back(next);
      cur = g_.nodes[next].outputs[0];
    }
    low.outputs = {cur};
    return m;
  }

  // Removes the candidates whose outputs nobody reads any more.
  void drop_unread(std::vector<int> candidates, std::set<int>& removed) {
    for (bool changed = true; changed;) {
      changed = false;
      std::set<std::string> read(g_.outputs.begin(), g_.outputs.end());
      for (std::size_t i = 0; i < g_.nodes.size(); ++i)
        if (!removed.count(static_cast<int>(i)))
          read.insert(g_.nodes[i].inputs.begin(), g_.nodes[i].inputs.end());
      for (int c : candidates) {
        const auto& outs = g_.nodes[c].outputs;
        if (removed.count(c) ||
            std::any_of(outs.begin(), outs.end(), [&](const auto& o) { return read.count(o); }))
          continue;
        removed.insert(c);
        changed = true;
      }
    }
  }

  void rebuild(std::vector<Match>& matches) {
    std::set<int> removed;
    std::map<int, Node*> lowered_at;  // the chain's last node → its replacement
    std::vector<int> candidates;
    for (Match& m : matches) {
      removed.insert(m.absorbed.begin(), m.absorbed.end());
      lowered_at[m.absorbed.back()] = &m.lowered;
      candidates.insert(candidates.end(), m.maybe_dead.begin(), m.maybe_dead.end());
    }
    drop_unread(candidates, removed);
    std::set<std::string> maybe_unused;
    for (int r : removed) maybe_unused.insert(g_.nodes[r].inputs.begin(), g_.nodes[r].inputs.end());
    std::vector<Node> out;
    for (std::size_t i = 0; i < g_.nodes.size(); ++i) {
      const int idx = static_cast<int>(i);
      if (auto it = lowered_at.find(idx); it != lowered_at.end()) {
        out.push_back(std::move(*it->second));
      } else if (!removed.count(idx)) {
        out.push_back(std::move(g_.nodes[i]));
      }
    }
    g_.nodes = std::move(out);
    // Initializers only the absorbed nodes read (scales, biases, clip bounds).
    std::set<std::string> used(g_.outputs.begin(), g_.outputs.end());
    for (const Node& n : g_.nodes) used.insert(n.inputs.begin(), n.inputs.end());
    for (const std::string& name : maybe_unused)
      if (!used.count(name)) g_.initializers.erase(name);
  }

  Graph& g_;
  // Of the product op being matched: output channels, output rank (-1
  // unknown) and the channel axis.
  int64_t channels_ = 0;
  int out_rank_ = -1, axis_ = 0;
};

}  // namespace

int lower_dynamic(Graph& graph) {
  // ONNX Runtime's DynamicQuantizeLSTM is already one op: it only takes
  // aimc's integer name (engine/kernels/int8/qdynamic_lstm.h).
  int lstms = 0;
  for (Node& n : graph.nodes) {
    if (n.op_type != "com.microsoft.DynamicQuantizeLSTM") continue;
    n.op_type = "QDynamicLSTM";
    ++lstms;
  }
  return lstms + DynamicLowering(graph).run();
}

}  // namespace aimc
