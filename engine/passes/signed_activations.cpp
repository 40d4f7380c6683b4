#include "engine/passes/signed_activations.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace aimc {
namespace {

class Signing {
 public:
  explicit Signing(Graph& g) : g_(g) {}

  int run() {
    int rewritten = 0;
    for (Node& q : g_.nodes) {
      // A node without its input or output is left for the kernels to refuse.
      if (q.op_type != "QuantizeLinear" || q.outputs.empty() || !produces_uint8(q) ||
          !only_dequantized(q.outputs[0]))
        continue;
      set_signed_zero_point(q);
      for (int c : g_.consumers(q.outputs[0])) set_signed_zero_point(g_.nodes[c]);
      ++rewritten;
    }
    for (Node& dq : g_.nodes) {
      if (dq.op_type != "DequantizeLinear" || dq.inputs.empty()) continue;
      const Tensor* x = g_.initializer(dq.inputs[0]);
      if (!x || x->dtype() != DType::kUInt8 || !zero_point_is_constant(dq)) continue;
      dq.inputs[0] = signed_constant(dq.inputs[0]);
      set_signed_zero_point(dq);
      ++rewritten;
    }
    return rewritten;
  }

  // Each int8 or uint8 graph input that only DequantizeLinear nodes read
  // enters through a QInput node: the model keeps its input as the file
  // declares it (type and NCHW layout), and the integer path reads int8 in
  // its own layout, uint8 codes shifted by −128 with the readers' zero points.
  int enter_integer_inputs() {
    int entered = 0;
    for (const std::string& input : std::vector<std::string>(g_.inputs)) {
      auto it = g_.values.find(input);
      if (it == g_.values.end()) continue;
      const DType type = it->second.dtype;
      if ((type != DType::kInt8 && type != DType::kUInt8) || !only_dequantized(input)) continue;
      const std::string entered_value = unused(input + "#int8");
      ValueInfo info = it->second;
      info.dtype = DType::kInt8;
      g_.values[entered_value] = info;
      for (int c : g_.consumers(input)) {
        Node& dq = g_.nodes[c];
        dq.inputs[0] = entered_value;
        if (type == DType::kUInt8) set_signed_zero_point(dq);
      }
      Node enter;
      enter.name = entered_value;
      enter.op_type = "QInput";
      enter.inputs = {input};
      enter.outputs = {entered_value};
      g_.nodes.insert(g_.nodes.begin(), std::move(enter));
      ++entered;
    }
    return entered;
  }

 private:
  // A QuantizeLinear without a zero point outputs uint8 (zero point 0).
  bool produces_uint8(const Node& q) const {
    if (q.inputs.size() < 3 || q.inputs[2].empty()) return q.inputs.size() >= 2;
    const Tensor* zp = g_.initializer(q.inputs[2]);
    return zp && zp->dtype() == DType::kUInt8;
  }

  bool zero_point_is_constant(const Node& n) const {
    return n.inputs.size() < 3 || n.inputs[2].empty() || g_.is_initializer(n.inputs[2]);
  }

  bool only_dequantized(const std::string& value) const {
    if (std::find(g_.outputs.begin(), g_.outputs.end(), value) != g_.outputs.end()) return false;
    const auto readers = g_.consumers(value);
    return !readers.empty() && std::all_of(readers.begin(), readers.end(), [&](int c) {
      const Node& r = g_.nodes[c];
      return r.op_type == "DequantizeLinear" && r.inputs[0] == value && zero_point_is_constant(r);
    });
  }

  // Points the node's zero point at an int8 copy shifted by −128 (a missing
  // zero point is uint8 0, so −128).
  void set_signed_zero_point(Node& n) {
    if (n.inputs.size() < 3) n.inputs.resize(3);
    if (n.inputs[2].empty()) {
      n.inputs[2] = uint8_zero_default();
      return;
    }
    const Tensor* zp = g_.initializer(n.inputs[2]);
    if (zp && zp->dtype() == DType::kUInt8) n.inputs[2] = signed_constant(n.inputs[2]);
  }

  std::string signed_constant(const std::string& name) {
    if (auto it = signed_.find(name); it != signed_.end()) return it->second;
    const Tensor& u = *g_.initializer(name);
    Tensor s(DType::kInt8, u.shape());
    for (int64_t i = 0; i < u.size(); ++i)
      s.data<int8_t>()[i] = static_cast<int8_t>(int{u.data<uint8_t>()[i]} - 128);
    const std::string signed_name = unused(name + "#int8");
    g_.initializers[signed_name] = std::move(s);
    return signed_[name] = signed_name;
  }

  std::string uint8_zero_default() {
    const std::string key = "#uint8-zero";
    if (auto it = signed_.find(key); it != signed_.end()) return it->second;
    Tensor t(DType::kInt8, {});
    t.data<int8_t>()[0] = -128;
    const std::string name = unused("aimc#uint8_zero_point");
    g_.initializers[name] = std::move(t);
    return signed_[key] = name;
  }

  std::string unused(std::string name) const {
    while (g_.is_initializer(name) || g_.values.count(name) || g_.producer(name) >= 0) name += "_";
    return name;
  }

  Graph& g_;
  std::map<std::string, std::string> signed_;  // uint8 constant -> its int8 copy
};

}  // namespace

int signed_activations(Graph& graph) { return Signing(graph).run(); }

int enter_integer_inputs(Graph& graph) { return Signing(graph).enter_integer_inputs(); }

}  // namespace aimc
