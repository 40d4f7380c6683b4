#include "engine/timing/graph_layers.h"

#include <cctype>
#include <utility>

#include "engine/fused_attrs.h"
#include "engine/timing/graph_layers_ops.h"

namespace aimc::timing {
namespace {

// [N, C, H, W] of a value whether it is stored NCHW (float) or NHWC (int8);
// [N, C, L] as H = 1.
struct Chw {
  int c = 0, h = 1, w = 1;
};

std::optional<Chw> chw_of(const Graph& g, const std::string& value) {
  auto it = g.values.find(value);
  if (it == g.values.end()) return std::nullopt;
  const Shape& s = it->second.shape;
  Chw r;
  if (s.size() == 4 && it->second.nhwc)
    r = {static_cast<int>(s[3]), static_cast<int>(s[1]), static_cast<int>(s[2])};
  else if (s.size() == 4)
    r = {static_cast<int>(s[1]), static_cast<int>(s[2]), static_cast<int>(s[3])};
  else if (s.size() == 3)
    r = {static_cast<int>(s[1]), 1, static_cast<int>(s[2])};
  else
    return std::nullopt;
  if (r.c <= 0 || r.h <= 0 || r.w <= 0) return std::nullopt;
  return r;
}

Shape shape_of(const Graph& g, const std::string& name) {
  if (const Tensor* t = g.initializer(name)) return t->shape();
  auto it = g.values.find(name);
  return it == g.values.end() ? Shape{} : it->second.shape;
}

LayerShape uncosted(LayerShape l, const std::string& reason) {
  l.op = LayerOp::kUncosted;
  l.reason = reason;
  return l;
}

// A fused 1x1 stage (float mode) is still its own layer on the cluster: the
// expansion before the depthwise, the projection after.
LayerShape fused_pointwise(const Node& n, const char* name_attr, int in_c, int out_c, Chw at) {
  LayerShape p;
  p.name = n.attr_string(name_attr, n.outputs[0]);
  p.op = LayerOp::kPointwise;
  p.in_c = in_c;
  p.out_c = out_c;
  p.in_h = p.out_h = at.h;
  p.in_w = p.out_w = at.w;
  return p;
}

void read_conv(const Graph& g, const Node& n, LayerShape l, std::vector<LayerShape>& out) {
  const Shape w = shape_of(g, n.inputs.at(1));
  if (w.size() != 4 && w.size() != 3)
    return out.push_back(uncosted(l, "only 1-D and 2-D convolutions are modelled"));
  std::optional<Chw> in = chw_of(g, n.inputs[0]);
  const std::optional<Chw> o = chw_of(g, n.outputs[0]);
  if (!in || !o) return out.push_back(uncosted(l, "no static shape of its input or output"));
  const int64_t group = n.attr_int("group", 1);
  if (n.attr_int(kFusedExpand, 0) != 0) {
    const Shape ew = shape_of(g, n.inputs.at(kFusedExpandWeight));
    if (ew.size() != 4) return out.push_back(uncosted(l, "no static shape of its fused expansion"));
    out.push_back(fused_pointwise(n, kFusedExpandName, in->c, static_cast<int>(ew[0]), *in));
    in->c = static_cast<int>(ew[0]);
  }
  const bool projected = n.attr_int(kFusedProject, 0) != 0;
  l.in_c = in->c;
  l.out_c = projected ? static_cast<int>(w[0]) : o->c;
  l.kernel_h = w.size() == 4 ? static_cast<int>(w[2]) : 1;
  l.kernel_w = static_cast<int>(w.back());
  const auto strides = n.attr_ints("strides");
  l.stride = strides.empty() ? 1 : static_cast<int>(strides[0]);
  l.in_h = in->h;
  l.in_w = in->w;
  l.out_h = o->h;
  l.out_w = o->w;
  if (group == 1) {
    l.op = l.kernel_h * l.kernel_w == 1 ? LayerOp::kPointwise : LayerOp::kConv;
  } else if (group == in->c && group == l.out_c) {
    l.op = LayerOp::kDepthwise;
  } else {
    l.op = LayerOp::kGroupedConv;
    l.groups = static_cast<int>(group);
  }
  if (projected) {
    out.push_back(l);
    l = fused_pointwise(n, kFusedProjectName, static_cast<int>(w[0]), o->c, *o);
  }
  if (n.attr_int(kFusedAdd, 0) != 0) {
    // A fused residual Add (float mode) is still its own layer on the
    // cluster: after the conv, on the conv's output shape.
    out.push_back(l);
    l = LayerShape{};
    l.name = n.attr_string(kFusedAddName, n.outputs[0]);
    l.op = LayerOp::kAdd;
    l.in_c = l.out_c = o->c;
    l.in_h = l.out_h = o->h;
    l.in_w = l.out_w = o->w;
  }
  out.push_back(l);
}

// Gemm, QGemm and MatMul. A constant 2-D weight is a K×N matrix the rows of
// the input go through, each row one job: one per image for Gemm's
// [batch, K], T per image for a sequence [batch, T, K]. A product of two
// activations (attention's Q·Kᵀ) has no weights to map and runs on the cores.
LayerShape read_matrix_product(const Graph& g, const Node& n, LayerShape l) {
  const Shape a = shape_of(g, n.inputs.at(0));
  const Shape w = shape_of(g, n.inputs.at(1));
  const bool matmul = n.op_type == "MatMul" || n.op_type == "MatMulInteger";
  l.op = LayerOp::kGemm;
  if (matmul) l.label = "matmul";
  if (!matmul || (g.initializer(n.inputs[1]) && w.size() == 2)) {
    if (w.size() != 2) return uncosted(l, "no static 2-D shape of its weight");
    const bool trans_b = n.attr_int("transB", 0) != 0;
    l.in_c = static_cast<int>(trans_b ? w[1] : w[0]);
    l.out_c = static_cast<int>(trans_b ? w[0] : w[1]);
    if (a.size() > 2) {
      const auto rows = elements_per_image(Shape(a.begin(), a.end() - 1));
      if (!rows) return uncosted(l, "unknown number of rows in its input");
      l.out_h = static_cast<int>(*rows);
    }
    return l;
  }
  const Shape o = shape_of(g, n.outputs.at(0));
  const auto elements = elements_per_image(g, n.outputs[0]);
  if (a.empty() || o.empty() || !elements || a.back() <= 0 || o.back() <= 0)
    return uncosted(l, "no static shape of its operands");
  l.constant_weights = false;
  l.in_c = static_cast<int>(a.back());
  l.out_c = static_cast<int>(o.back());
  l.out_h = static_cast<int>(*elements / o.back());
  return l;
}

// Global pools per input element; MaxPool, AveragePool and LRN per output
// element times their window (LRN's runs across channels).
LayerShape read_pool(const Graph& g, const Node& n, const std::string& op, LayerShape l) {
  const bool global = op == "GlobalAveragePool" || op == "GlobalMaxPool";
  const std::optional<Chw> c = chw_of(g, global ? n.inputs.at(0) : n.outputs.at(0));
  if (!c) return uncosted(l, "no static 3-D or 4-D shape");
  l.in_c = l.out_c = c->c;
  if (global) {
    l.op = LayerOp::kPool;
    l.in_h = c->h;
    l.in_w = c->w;
    return l;
  }
  l.op = LayerOp::kWindowPool;
  l.label = op == "MaxPool" ? "maxpool" : op == "AveragePool" ? "avgpool" : "lrn";
  l.out_h = c->h;
  l.out_w = c->w;
  if (op == "LRN") {
    l.kernel_h = static_cast<int>(n.attr_int("size", 1));
    return l;
  }
  const auto k = n.attr_ints("kernel_shape");
  if (k.empty()) return uncosted(l, "no kernel_shape");
  l.kernel_h = k.size() == 2 ? static_cast<int>(k[0]) : 1;
  l.kernel_w = static_cast<int>(k.back());
  const auto strides = n.attr_ints("strides");
  l.stride = strides.empty() ? 1 : static_cast<int>(strides[0]);
  return l;
}

// LSTM, GRU, RNN: per time step and direction, X·Wᵀ and H·Rᵀ with
// gates·hidden outputs, then the gate arithmetic; the steps are serial.
// ONNX Runtime's dynamically quantized LSTM (lowered: DynamicLSTM once the
// Q is stripped) holds W and R transposed, [dirs, input or hidden, 4·hidden].
LayerShape read_recurrent(const Graph& g, const Node& n, const std::string& op, LayerShape l) {
  const bool transposed = op == "DynamicLSTM" || op == "DynamicQuantizeLSTM";
  l.op = LayerOp::kRecurrent;
  l.label = op == "GRU" ? "gru" : op == "RNN" ? "rnn" : "lstm";
  l.gates = op == "GRU" ? 3 : op == "RNN" ? 1 : 4;
  const Shape x = shape_of(g, n.inputs.at(0));
  Shape w = shape_of(g, n.inputs.at(1));
  Shape r = n.inputs.size() > 2 ? shape_of(g, n.inputs[2]) : Shape{};
  if (x.size() != 3 || w.size() != 3 || r.size() != 3)
    return uncosted(l, "no static shapes of X, W and R");
  if (transposed) {
    std::swap(w[1], w[2]);
    std::swap(r[1], r[2]);
  }
  const int64_t steps = x[n.attr_int("layout", 0) == 0 ? 0 : 1];
  if (steps <= 0) return uncosted(l, "unknown sequence length");
  if (w[0] <= 0 || w[2] <= 0 || r[2] <= 0 || w[1] != l.gates * r[2])
    return uncosted(l, "W and R do not have gates x hidden rows");
  l.steps = static_cast<int>(steps);
  l.directions = static_cast<int>(w[0]);
  l.in_c = static_cast<int>(w[2]);
  l.out_c = static_cast<int>(r[2]);
  return l;
}

// The integer ops of a lowered graph (QConv, QAdd, ...): what their float op costs.
bool integer_op(const std::string& op) {
  return op.size() > 1 && op[0] == 'Q' && std::isupper(static_cast<unsigned char>(op[1]));
}

void read_node(const Graph& g, const Node& n, std::vector<LayerShape>& out) {
  LayerShape l;
  l.name = n.name.empty() ? n.outputs.at(0) : n.name;
  l.placement = n.placement;  // stages fused into the node (float mode) run on the cores
  const bool int8 = integer_op(n.op_type);
  const std::string op = int8 ? n.op_type.substr(1) : n.op_type;
  // The dynamically quantized forms (ConvInteger, MatMulInteger and their
  // lowered QDynamicConv/QDynamicGemm) cost what their float op costs.
  if (op == "Conv" || op == "ConvInteger" || op == "DynamicConv") return read_conv(g, n, l, out);
  if (op == "Gemm" || op == "MatMul" || op == "MatMulInteger" || op == "DynamicGemm")
    return out.push_back(read_matrix_product(g, n, l));
  if (op == "Add") {
    auto it = g.values.find(n.outputs.at(0));
    const std::optional<Chw> o = chw_of(g, n.outputs[0]);
    if (it != g.values.end() && it->second.shape.size() == 4 && o) {
      l.op = LayerOp::kAdd;  // a residual add
      l.in_c = l.out_c = o->c;
      l.in_h = l.out_h = o->h;
      l.in_w = l.out_w = o->w;
      return out.push_back(l);
    }
  }
  if (op == "GlobalAveragePool" || op == "GlobalMaxPool" || op == "MaxPool" ||
      op == "AveragePool" || op == "LRN")
    return out.push_back(read_pool(g, n, op, l));
  if (op == "LSTM" || op == "GRU" || op == "RNN" || op == "DynamicLSTM" ||
      op == "DynamicQuantizeLSTM")
    return out.push_back(read_recurrent(g, n, op, l));
  out.push_back(per_element_layer(g, n, op, int8, l));
}

}  // namespace

std::optional<int64_t> elements_per_image(const Shape& s) {
  int unknown = 0;
  for (int64_t d : s) unknown += d < 0;
  if (unknown > 1) return std::nullopt;
  int64_t e = 1;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] >= 0 && (unknown == 1 || i > 0)) e *= s[i];
  return e;
}

std::optional<int64_t> elements_per_image(const Graph& g, const std::string& value) {
  auto it = g.values.find(value);
  if (it == g.values.end()) return std::nullopt;
  return elements_per_image(it->second.shape);
}

std::vector<LayerShape> layers_from_graph(const Graph& g) {
  std::vector<LayerShape> out;
  for (const Node& n : g.nodes) read_node(g, n, out);
  return out;
}

}  // namespace aimc::timing
