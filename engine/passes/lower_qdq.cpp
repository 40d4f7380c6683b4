#include "engine/passes/lower_qdq.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "engine/error.h"
#include "engine/fused_attrs.h"

namespace aimc {
namespace {

const std::set<std::string> kLowerable = {
    "Conv",        "Gemm",    "MatMul",    "Add",         "Mul",      "GlobalAveragePool",
    "AveragePool", "MaxPool", "Pad",       "Concat",      "Reshape",  "Flatten",
    "Sigmoid",     "Tanh",    "LeakyRelu", "HardSigmoid", "HardSwish"};

// The ops whose second (and third) inputs are a constant weight matrix (and
// int32 bias); weights per tensor or per output channel, with or without
// zero points.
bool has_weight_slot(const std::string& op) {
  return op == "Conv" || op == "Gemm" || op == "MatMul";
}

// A DequantizeLinear / QuantizeLinear node with constant parameters.
struct QdqInfo {
  int node = -1;
  std::string int_value;    // quantized side
  std::string float_value;  // real-valued side
  QuantParams params;
};

class Lowering {
 public:
  explicit Lowering(Graph& g) : g_(g) {}

  LoweringReport run() {
    collect_qdq();
    for (std::size_t i = 0; i < g_.nodes.size(); ++i) try_match(static_cast<int>(i));
    LoweringReport report;
    report.lowered_ops = static_cast<int>(matches_.size());
    if (matches_.empty()) return report;
    rebuild();
    return report;
  }

 private:
  struct Match {
    int op = -1;
    int activation_node = -1;  // fused Relu/Clip, or -1
    int quantize = -1;
    std::vector<std::string> int_inputs;  // "" for omitted optional inputs
    std::string int_output;
    int32_t act_min = -128, act_max = 127;
  };

  std::optional<QuantParams> constant_params(const Node& n) {
    if (n.inputs.size() < 2) return std::nullopt;
    const Tensor* scale = g_.initializer(n.inputs[1]);
    const Tensor* zp =
        n.inputs.size() > 2 && !n.inputs[2].empty() ? g_.initializer(n.inputs[2]) : nullptr;
    if (!scale || scale->dtype() != DType::kFloat32) return std::nullopt;
    if (n.inputs.size() > 2 && !n.inputs[2].empty() && !zp) return std::nullopt;
    QuantParams p;
    const auto s = scale->values<float>();
    for (float v : s) {
      if (!std::isfinite(v) || v <= 0) {
        throw bad_input(
            g_.source, n.label() + ": scale " + std::to_string(v) + " must be positive and finite");
      }
    }
    p.scale.assign(s.begin(), s.end());
    p.axis = static_cast<int>(n.attr_int("axis", 1));
    if (zp) {
      p.dtype = zp->dtype();
      for (int64_t i = 0; i < zp->size(); ++i) {
        switch (zp->dtype()) {
          case DType::kInt8:
            p.zero_point.push_back(zp->data<int8_t>()[i]);
            break;
          case DType::kUInt8:
            p.zero_point.push_back(zp->data<uint8_t>()[i]);
            break;
          case DType::kInt32:
            p.zero_point.push_back(zp->data<int32_t>()[i]);
            break;
          default:
            return std::nullopt;
        }
      }
    } else {
      p.dtype = DType::kUInt8;
      p.zero_point.assign(1, 0);
    }
    return p;
  }

  void collect_qdq() {
    for (std::size_t i = 0; i < g_.nodes.size(); ++i) {
      const Node& n = g_.nodes[i];
      if (n.op_type != "DequantizeLinear" && n.op_type != "QuantizeLinear") continue;
      auto p = constant_params(n);
      if (!p) continue;
      QdqInfo info{static_cast<int>(i), "", "", *p};
      if (n.op_type == "DequantizeLinear") {
        info.int_value = n.inputs[0];
        info.float_value = n.outputs[0];
        dq_by_output_[info.float_value] = info;
      } else {
        info.float_value = n.inputs[0];
        info.int_value = n.outputs[0];
        q_by_input_[info.float_value] = info;
      }
    }
  }

  bool is_graph_output(const std::string& v) const {
    return std::find(g_.outputs.begin(), g_.outputs.end(), v) != g_.outputs.end();
  }

  // The single consumer of `value`, or -1.
  int sole_consumer(const std::string& value) const {
    auto c = g_.consumers(value);
    return c.size() == 1 && !is_graph_output(value) ? c[0] : -1;
  }

  // Weight parameters are per tensor or along the output channels: axis 0
  // of a Conv's [O, I/g, kh, kw] or of Gemm's B with transB, else the last.
  static bool per_output_channel(const Node& n, const Tensor& w, const QuantParams& p) {
    if (p.scale.size() <= 1 && p.zero_point.size() <= 1) return true;
    if (p.zero_point.size() > 1 && p.zero_point.size() != p.scale.size()) return false;
    const bool first = n.op_type == "Conv" || (n.op_type == "Gemm" && n.attr_int("transB", 0));
    const int out_axis = first ? 0 : w.rank() - 1;
    return p.axis == out_axis || p.axis == out_axis - w.rank();
  }

  static bool activation_int8(const QuantParams& p) {
    return p.dtype == DType::kInt8 && p.scale.size() == 1 && p.zero_point.size() == 1;
  }

  // Folds a Relu/Clip into [act_min, act_max] of the output quantization.
  bool fold_activation(const Node& a, const QuantParams& out, Match& m) {
    float lo = -INFINITY, hi = INFINITY;
    if (a.op_type == "Relu") {
      lo = 0;
    } else {
      if (a.has_attr("min")) lo = a.attr_float("min", lo);
      if (a.has_attr("max")) hi = a.attr_float("max", hi);
      for (std::size_t k = 1; k < a.inputs.size() && k < 3; ++k) {
        if (a.inputs[k].empty()) continue;
        const Tensor* t = g_.initializer(a.inputs[k]);
        if (!t || t->dtype() != DType::kFloat32 || t->size() != 1) return false;
        (k == 1 ? lo : hi) = t->data<float>()[0];
      }
    }
    const float s = out.scale0();
    const int32_t zp = out.zero_point0();
    if (std::isfinite(lo))
      m.act_min = std::max<int32_t>(-128, zp + static_cast<int32_t>(std::nearbyint(lo / s)));
    if (std::isfinite(hi))
      m.act_max = std::min<int32_t>(127, zp + static_cast<int32_t>(std::nearbyint(hi / s)));
    return m.act_min <= m.act_max;
  }

  void try_match(int idx) {
    const Node& n = g_.nodes[idx];
    if (!kLowerable.count(n.op_type) || n.outputs.size() != 1) return;
    Match m;
    m.op = idx;
    // Output side: op -> [Relu|Clip] -> QuantizeLinear(int8).
    std::string out = n.outputs[0];
    int next = sole_consumer(out);
    if (next < 0) return;
    if (g_.nodes[next].op_type == "Relu" || g_.nodes[next].op_type == "Clip") {
      m.activation_node = next;
      out = g_.nodes[next].outputs[0];
      next = sole_consumer(out);
      if (next < 0) return;
    }
    auto q = q_by_input_.find(out);
    if (q == q_by_input_.end() || q->second.node != next || !activation_int8(q->second.params))
      return;
    m.quantize = next;
    m.int_output = q->second.int_value;
    if (m.activation_node >= 0 &&
        !fold_activation(g_.nodes[m.activation_node], q->second.params, m))
      return;
    // Input side: every input is a DequantizeLinear output (or a constant
    // shape/pads tensor for the ops that take one).
    for (std::size_t k = 0; k < n.inputs.size(); ++k) {
      const std::string& in = n.inputs[k];
      if (in.empty()) {
        m.int_inputs.push_back("");
        continue;
      }
      const bool shape_like = (n.op_type == "Reshape" && k == 1) || (n.op_type == "Pad" && k >= 1);
      if (shape_like) {
        if (!g_.is_initializer(in)) return;
        m.int_inputs.push_back(in);
        continue;
      }
      auto dq = dq_by_output_.find(in);
      if (dq == dq_by_output_.end()) return;
      const QdqInfo& info = dq->second;
      const bool weight_slot = has_weight_slot(n.op_type) && k >= 1;
      if (weight_slot) {
        const Tensor* w = g_.initializer(info.int_value);
        const DType want = k == 1 ? DType::kInt8 : DType::kInt32;
        if (!w || w->dtype() != want) return;
        // A MatMul on the integer path is a fully-connected layer: a
        // constant [K, N] matrix, scales per tensor or per column.
        if (n.op_type == "MatMul" && w->rank() != 2) return;
        if (k == 1 && !per_output_channel(n, *w, info.params)) return;
        // Weights may have zero points (the kernels subtract zw·Σ(x − zx));
        // the bias stays symmetric, as TFLite and ONNX Runtime write it.
        if (k == 2 && std::any_of(info.params.zero_point.begin(), info.params.zero_point.end(),
                                  [](int32_t zp) { return zp != 0; }))
          return;
      } else if (!activation_int8(info.params)) {
        return;
      }
      m.int_inputs.push_back(info.int_value);
    }
    if (n.op_type == "Gemm" && (n.attr_int("transA", 0) != 0 || n.attr_float("alpha", 1) != 1.f ||
                                n.attr_float("beta", 1) != 1.f)) {
      return;
    }
    if (n.op_type == "Pad" && n.attr_string("mode", "constant") != "constant") return;
    matches_[idx] = m;
  }

  void set_quant(const std::string& value, const QuantParams& p) {
    ValueInfo& v = g_.values[value];
    v.dtype = p.dtype;
    v.quant = p;
    // Rank-4 integer activations are stored NHWC; record their shape so.
    if (v.shape.size() == 4 && !v.nhwc && !g_.is_initializer(value)) {
      v.shape = {v.shape[0], v.shape[2], v.shape[3], v.shape[1]};
      v.nhwc = true;
    }
  }

  void rebuild() {
    std::set<int> absorbed;
    std::set<std::string> int_domain;
    for (const auto& [idx, m] : matches_) {
      if (m.activation_node >= 0) absorbed.insert(m.activation_node);
      absorbed.insert(m.quantize);
      int_domain.insert(m.int_output);
      for (const auto& in : m.int_inputs) {
        if (!in.empty() && !g_.is_initializer(in)) int_domain.insert(in);
      }
    }
    // Quantization parameters of every integer value and weight.
    for (const auto& [name, info] : q_by_input_) {
      if (int_domain.count(info.int_value)) set_quant(info.int_value, info.params);
    }
    for (const auto& [name, info] : dq_by_output_) {
      if (int_domain.count(info.int_value) || g_.is_initializer(info.int_value)) {
        set_quant(info.int_value, info.params);
      }
    }
    std::vector<Node> out;
    for (std::size_t i = 0; i < g_.nodes.size(); ++i) {
      const int idx = static_cast<int>(i);
      Node& n = g_.nodes[i];
      if (absorbed.count(idx)) continue;
      if (auto it = matches_.find(idx); it != matches_.end()) {
        Node lowered = n;
        lowered.op_type = "Q" + n.op_type;
        if (n.op_type == "MatMul") {
          // x [..., K] · W [K, N]: the integer fully-connected kernel, with
          // every leading dimension of x a row of the batch.
          lowered.op_type = "QGemm";
          lowered.attrs["transB"] = int64_t{0};
          lowered.attrs[kLeadingRows] = int64_t{1};
        }
        lowered.inputs = it->second.int_inputs;
        lowered.outputs = {it->second.int_output};
        lowered.attrs["act_min"] = int64_t{it->second.act_min};
        lowered.attrs["act_max"] = int64_t{it->second.act_max};
        out.push_back(std::move(lowered));
        continue;
      }
      if (n.op_type == "QuantizeLinear" && int_domain.count(n.outputs[0])) {
        n.op_type = "QQuantize";
        n.inputs.resize(1);
        out.push_back(std::move(n));
        continue;
      }
      if (n.op_type == "DequantizeLinear" && dq_by_output_.count(n.outputs[0])) {
        const std::string& src = n.inputs[0];
        bool needed = is_graph_output(n.outputs[0]);
        for (int c : g_.consumers(n.outputs[0])) {
          if (!matches_.count(c) && !absorbed.count(c)) needed = true;
        }
        if (!needed) continue;  // every reader was lowered
        if (int_domain.count(src)) {
          n.op_type = "QDequantize";
          n.inputs.resize(1);
        }
        out.push_back(std::move(n));
        continue;
      }
      out.push_back(std::move(n));
    }
    g_.nodes = std::move(out);
    // Drop initializers nobody reads any more (the Q/DQ parameters).
    std::set<std::string> used(g_.outputs.begin(), g_.outputs.end());
    for (const auto& n : g_.nodes) used.insert(n.inputs.begin(), n.inputs.end());
    for (auto it = g_.initializers.begin(); it != g_.initializers.end();) {
      it = used.count(it->first) ? std::next(it) : g_.initializers.erase(it);
    }
  }

  Graph& g_;
  std::map<std::string, QdqInfo> dq_by_output_;
  std::map<std::string, QdqInfo> q_by_input_;
  std::map<int, Match> matches_;
};

}  // namespace

LoweringReport lower_qdq(Graph& graph) { return Lowering(graph).run(); }

}  // namespace aimc
