#include "engine/passes/expand_qoperator.h"

#include <functional>
#include <map>
#include <set>

#include "engine/error.h"

namespace aimc {
namespace {

const std::string kMs = "com.microsoft.";

// Ops that only move or select values: on quantized data they commute with
// quantization.
const std::set<std::string> kDataMovement = {"Flatten", "Reshape",   "MaxPool", "Transpose",
                                             "Squeeze", "Unsqueeze", "Identity"};

// Builds the QDQ nodes of one QOperator node into `out`.
class Expansion {
 public:
  Expansion(Graph& g, const Node& n, std::vector<Node>& out, std::set<std::string>& taken)
      : g_(g), n_(n), out_(out), taken_(taken) {}

  const std::string& in(std::size_t k) const {
    static const std::string kNone;
    return k < n_.inputs.size() ? n_.inputs[k] : kNone;
  }

  // DequantizeLinear(x, scale, zero point) -> a fresh float value.
  std::string dequantize(std::size_t x, std::size_t scale, std::size_t zero_point,
                         int64_t axis = 1) {
    return dequantize_value(in(x), required(scale, "scale"), in(zero_point), axis);
  }

  std::string dequantize_value(const std::string& x, const std::string& scale,
                               const std::string& zero_point, int64_t axis = 1) {
    if (x.empty()) return "";
    Node dq;
    dq.name = n_.name + "/dequantize_" + std::to_string(out_.size());
    dq.op_type = "DequantizeLinear";
    dq.inputs = {x, scale};
    if (!zero_point.empty()) dq.inputs.push_back(zero_point);
    dq.outputs = {fresh("dequantized")};
    dq.attrs["axis"] = axis;
    out_.push_back(dq);
    return dq.outputs[0];
  }

  // op(inputs), then QuantizeLinear with the given scale and zero point.
  void requantize(const std::string& op, std::vector<std::string> inputs, const std::string& scale,
                  const std::string& zero_point, std::map<std::string, AttrValue> attrs) {
    Node f;
    f.name = n_.name;
    f.op_type = op;
    f.inputs = std::move(inputs);
    f.outputs = {fresh("result")};
    f.attrs = std::move(attrs);
    out_.push_back(f);
    Node q;
    q.name = n_.name + "/quantize";
    q.op_type = "QuantizeLinear";
    q.inputs = {f.outputs[0], scale};
    if (!zero_point.empty()) q.inputs.push_back(zero_point);
    q.outputs = {n_.outputs.at(0)};
    out_.push_back(q);
  }

  // op(inputs) with the node's own name and attributes, then
  // QuantizeLinear to the node's output (or the float result when the
  // output scale is omitted, as QGemm allows).
  void compute_and_quantize(const std::string& op, std::vector<std::string> inputs,
                            std::size_t scale, std::size_t zero_point,
                            std::map<std::string, AttrValue> attrs) {
    const bool quantized = !in(scale).empty();
    Node f;
    f.name = n_.name;
    f.op_type = op;
    f.inputs = std::move(inputs);
    f.outputs = {quantized ? fresh("result") : n_.outputs.at(0)};
    f.attrs = std::move(attrs);
    out_.push_back(f);
    if (!quantized) return;
    Node q;
    q.name = n_.name + "/quantize";
    q.op_type = "QuantizeLinear";
    q.inputs = {f.outputs[0], in(scale)};
    if (!in(zero_point).empty()) q.inputs.push_back(in(zero_point));
    q.outputs = {n_.outputs.at(0)};
    out_.push_back(q);
  }

  // A new initializer holding the product of two constant scale vectors
  // (one of them of one element) times `factor`: the scale of an int32 bias.
  std::string scale_product(std::size_t a, std::size_t b, float factor = 1.f) {
    const Tensor& ta = constant(a, "scale");
    const Tensor& tb = constant(b, "scale");
    if (ta.size() > 1 && tb.size() > 1 && ta.size() != tb.size())
      refuse("scales '" + in(a) + "' and '" + in(b) + "' have different lengths");
    const Tensor& longer = ta.size() >= tb.size() ? ta : tb;
    Tensor out(DType::kFloat32, {longer.size()});
    for (int64_t i = 0; i < longer.size(); ++i)
      out.data<float>()[i] = ta.data<float>()[ta.size() == 1 ? 0 : i] *
                             tb.data<float>()[tb.size() == 1 ? 0 : i] * factor;
    const std::string name = fresh("bias_scale");
    g_.initializers[name] = std::move(out);
    return name;
  }

  std::string scaled(std::size_t scale, float factor) {
    if (factor == 1.f) return required(scale, "scale");
    Tensor t = constant(scale, "scale");
    for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] *= factor;
    const std::string name = fresh("scale");
    g_.initializers[name] = std::move(t);
    return name;
  }

  [[noreturn]] void refuse(const std::string& why) const {
    throw bad_input(g_.source, n_.label() + ": " + why);
  }

 private:
  const std::string& required(std::size_t k, const std::string& what) const {
    if (in(k).empty()) refuse("input " + std::to_string(k) + " (" + what + ") is required");
    return in(k);
  }

  const Tensor& constant(std::size_t k, const std::string& what) const {
    const Tensor* t = g_.initializer(required(k, what));
    if (!t || t->dtype() != DType::kFloat32 || t->size() < 1)
      refuse("its " + what + " '" + in(k) + "' must be a constant float tensor");
    return *t;
  }

  // A value name no tensor of the model has ('#' keeps it apart from the
  // names exporters write).
  std::string fresh(const std::string& what) {
    std::string name;
    do {
      name = n_.name + "#" + what + "_" + std::to_string(counter_++);
    } while (taken_.count(name));
    taken_.insert(name);
    return name;
  }

  Graph& g_;
  const Node& n_;
  std::vector<Node>& out_;
  std::set<std::string>& taken_;  // every value name of the graph
  int counter_ = 0;
};

std::map<std::string, AttrValue> attrs_without(const Node& n,
                                               std::initializer_list<const char*> drop) {
  std::map<std::string, AttrValue> attrs = n.attrs;
  for (const char* key : drop) attrs.erase(key);
  return attrs;
}

void refuse_channels_last(const Node& n, const Expansion& e) {
  if (n.attr_int("channels_last", 0) != 0)
    e.refuse("channels_last = 1 is not supported (aimc's float graph is NCHW)");
}

using Expander = std::function<void(const Node&, Expansion&)>;

const std::map<std::string, Expander>& expanders() {
  static const std::map<std::string, Expander> table = {
      // x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B
      {"QLinearConv",
       [](const Node& n, Expansion& e) {
         const std::string x = e.dequantize(0, 1, 2);
         const std::string w = e.dequantize(3, 4, 5, /*axis=*/0);
         std::vector<std::string> ins = {x, w};
         if (!e.in(8).empty())
           ins.push_back(e.dequantize_value(e.in(8), e.scale_product(1, 4), "", 0));
         e.compute_and_quantize("Conv", ins, 6, 7, n.attrs);
       }},
      // a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp
      {"QLinearMatMul",
       [](const Node&, Expansion& e) {
         // b's scales run along its last axis (one per output column).
         e.compute_and_quantize("MatMul", {e.dequantize(0, 1, 2), e.dequantize(3, 4, 5, 1)}, 6, 7,
                                {});
       }},
      // A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp
      {kMs + "QLinearAdd",
       [](const Node&, Expansion& e) {
         e.compute_and_quantize("Add", {e.dequantize(0, 1, 2), e.dequantize(3, 4, 5)}, 6, 7, {});
       }},
      {kMs + "QLinearMul",
       [](const Node&, Expansion& e) {
         e.compute_and_quantize("Mul", {e.dequantize(0, 1, 2), e.dequantize(3, 4, 5)}, 6, 7, {});
       }},
      // X, x_scale, x_zp, y_scale, y_zp
      {kMs + "QLinearAveragePool",
       [](const Node& n, Expansion& e) {
         refuse_channels_last(n, e);
         e.compute_and_quantize("AveragePool", {e.dequantize(0, 1, 2)}, 3, 4,
                                attrs_without(n, {"channels_last"}));
       }},
      {kMs + "QLinearGlobalAveragePool",
       [](const Node& n, Expansion& e) {
         refuse_channels_last(n, e);
         e.compute_and_quantize("GlobalAveragePool", {e.dequantize(0, 1, 2)}, 3, 4, {});
       }},
      {kMs + "QLinearSigmoid",
       [](const Node&, Expansion& e) {
         e.compute_and_quantize("Sigmoid", {e.dequantize(0, 1, 2)}, 3, 4, {});
       }},
      {kMs + "QLinearLeakyRelu",
       [](const Node& n, Expansion& e) {
         e.compute_and_quantize("LeakyRelu", {e.dequantize(0, 1, 2)}, 3, 4, n.attrs);
       }},
      // Y_scale, Y_zp, then (X, X_scale, X_zp) per input
      {kMs + "QLinearConcat",
       [](const Node& n, Expansion& e) {
         if (n.inputs.size() < 5 || (n.inputs.size() - 2) % 3 != 0)
           e.refuse("needs Y_scale, Y_zero_point and (X, X_scale, X_zero_point) triples");
         std::vector<std::string> ins;
         for (std::size_t k = 2; k < n.inputs.size(); k += 3)
           ins.push_back(e.dequantize(k, k + 1, k + 2));
         e.compute_and_quantize("Concat", ins, 0, 1, n.attrs);
       }},
      // A, a_scale, a_zp, B, b_scale, b_zp, C, y_scale, y_zp; Y = alpha·A'B' + C
      {kMs + "QGemm",
       [](const Node& n, Expansion& e) {
         const float alpha = n.attr_float("alpha", 1.f);
         // alpha folds into B's scale; C is int32 at scale alpha·a_scale·b_scale.
         const std::string b_scale = e.scaled(4, alpha);
         const int64_t b_axis = n.attr_int("transB", 0) != 0 ? 0 : 1;
         std::vector<std::string> ins = {e.dequantize(0, 1, 2),
                                         e.dequantize_value(e.in(3), b_scale, e.in(5), b_axis)};
         if (!e.in(6).empty())
           ins.push_back(e.dequantize_value(e.in(6), e.scale_product(1, 4, alpha), "", 0));
         e.compute_and_quantize("Gemm", ins, 7, 8, attrs_without(n, {"alpha"}));
       }},
  };
  return table;
}

}  // namespace

int expand_qoperator(Graph& graph) {
  std::set<std::string> taken;
  for (const auto& [name, v] : graph.values) taken.insert(name);
  for (const auto& [name, t] : graph.initializers) taken.insert(name);
  for (const Node& n : graph.nodes) taken.insert(n.outputs.begin(), n.outputs.end());
  int expanded = 0;
  std::vector<Node> out;
  out.reserve(graph.nodes.size());
  // The quantization (scale, zero point) of each quantized value so far.
  std::map<std::string, std::pair<std::string, std::string>> quantized;
  for (const Node& n : graph.nodes) {
    const auto it = expanders().find(n.op_type);
    if (it != expanders().end()) {
      if (n.outputs.size() != 1) throw bad_input(graph.source, n.label() + ": needs one output");
      Expansion e(graph, n, out, taken);
      it->second(n, e);
      const Node& q = out.back();
      if (q.op_type == "QuantizeLinear")
        quantized[q.outputs[0]] = {q.inputs[1], q.inputs.size() > 2 ? q.inputs[2] : ""};
      ++expanded;
      continue;
    }
    if (n.op_type == "QuantizeLinear" && n.inputs.size() >= 2) {
      quantized[n.outputs.at(0)] = {n.inputs[1], n.inputs.size() > 2 ? n.inputs[2] : ""};
    } else if (kDataMovement.count(n.op_type) && !n.inputs.empty() && n.outputs.size() == 1 &&
               quantized.count(n.inputs[0])) {
      // The QOperator form moves quantized data with plain ONNX ops
      // (Flatten, Reshape, MaxPool, ...): the same as dequantizing, moving
      // and quantizing again with the same parameters, which is exact.
      const auto [scale, zero_point] = quantized.at(n.inputs[0]);
      Expansion e(graph, n, out, taken);
      std::vector<std::string> ins = n.inputs;
      ins[0] = e.dequantize_value(n.inputs[0], scale, zero_point);
      e.requantize(n.op_type, ins, scale, zero_point, n.attrs);
      quantized[n.outputs[0]] = {scale, zero_point};
      continue;
    }
    out.push_back(n);
  }
  graph.nodes = std::move(out);
  return expanded;
}

}  // namespace aimc
