#include "engine/timing/graph_layers_ops.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "engine/timing/graph_layers.h"

namespace aimc::timing {
namespace {

// What each op costs per element. Views cost nothing: the bytes stay where
// they are. Elementwise ops cost what the residual add costs; float
// transcendentals and divisions the activation rate (their int8 forms are
// table lookups, costed as elementwise); moves the copy rate.
const std::map<std::string, LayerOp>& kinds() {
  static const std::map<std::string, LayerOp> k = [] {
    std::map<std::string, LayerOp> m;
    for (const char* op : {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout",
                           "Shape", "Size", "Constant", "ConstantOfShape"})
      m[op] = LayerOp::kFree;
    for (const char* op : {"Add",
                           "Sub",
                           "Mul",
                           "Max",
                           "Min",
                           "Sum",
                           "Mean",
                           "Relu",
                           "Clip",
                           "LeakyRelu",
                           "PRelu",
                           "HardSigmoid",
                           "HardSwish",
                           "Neg",
                           "Abs",
                           "BatchNormalization",
                           "Cast",
                           "Where",
                           "Equal",
                           "Greater",
                           "Less",
                           "GreaterOrEqual",
                           "LessOrEqual",
                           "Not",
                           "And",
                           "Or",
                           "Xor",
                           "Floor",
                           "Ceil",
                           "Round",
                           "Sign",
                           "ThresholdedRelu",
                           "Input",
                           "Quantize",
                           "Dequantize",
                           "QuantizeLinear",
                           "DequantizeLinear",
                           "DynamicQuantizeLinear"})
      m[op] = LayerOp::kElementwise;
    for (const char* op :
         {"Sigmoid", "Tanh", "Exp", "Log", "Erf", "Softplus", "Softsign", "Gelu", "Elu", "Selu",
          "Celu", "Mish", "Sqrt", "Reciprocal", "Div", "Pow", "Sin", "Cos"})
      m[op] = LayerOp::kActivation;
    for (const char* op : {"Softmax", "LogSoftmax"}) m[op] = LayerOp::kSoftmax;
    for (const char* op :
         {"Transpose", "Concat", "Pad", "Slice", "Gather", "GatherElements", "Split", "Tile",
          "Expand", "DepthToSpace", "SpaceToDepth", "ReverseSequence", "Resize", "Upsample"})
      m[op] = LayerOp::kCopy;
    for (const char* op :
         {"ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum", "ReduceProd", "ReduceL1", "ReduceL2",
          "ReduceSumSquare", "ReduceLogSumExp", "ArgMax", "ArgMin"})
      m[op] = LayerOp::kReduce;
    return m;
  }();
  return k;
}

std::string label_of(const std::string& op) {
  if (op == "BatchNormalization") return "batchnorm";
  if (op == "ConstantOfShape") return "constshape";
  if (op == "QuantizeLinear") return "quantize";
  if (op == "DequantizeLinear") return "dequantize";
  std::string s = op;
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool is_graph_input(const Graph& g, const std::string& v) {
  return std::find(g.inputs.begin(), g.inputs.end(), v) != g.inputs.end();
}

bool is_graph_output(const Graph& g, const std::string& v) {
  return std::find(g.outputs.begin(), g.outputs.end(), v) != g.outputs.end();
}

// The float <-> int8 conversion at the model's borders is the emulation's
// interface with the file's float tensors: the cluster takes int8 in and
// gives int8 out, as the paper's mapping does.
bool at_border(const Graph& g, const Node& n) {
  return (!n.inputs.empty() && is_graph_input(g, n.inputs[0])) ||
         (!n.outputs.empty() && is_graph_output(g, n.outputs[0]));
}

// The elements the op touches in one image: the input's for reductions and
// Split, the output's otherwise; a variadic op of k inputs does k - 1 ops.
std::optional<int64_t> touched_elements(const Graph& g, const Node& n, const std::string& op,
                                        LayerOp kind) {
  if (kind == LayerOp::kReduce || op == "Split")
    return n.inputs.empty() ? std::nullopt : elements_per_image(g, n.inputs[0]);
  const auto e = elements_per_image(g, n.outputs.at(0));
  if (!e) return e;
  const bool variadic = op == "Sum" || op == "Mean" || op == "Max" || op == "Min";
  const int64_t ops = variadic ? std::max<int64_t>(1, int64_t(n.inputs.size()) - 1) : 1;
  return *e * ops;
}

}  // namespace

LayerShape per_element_layer(const Graph& g, const Node& n, const std::string& op, bool int8,
                             LayerShape l) {
  l.label = label_of(op);
  auto it = kinds().find(op);
  if (it == kinds().end()) {
    l.op = LayerOp::kUncosted;
    l.reason = "no cost model for " + n.op_type;
    return l;
  }
  l.op = it->second;
  const bool conversion = op == "Input" || op == "Quantize" || op == "Dequantize" ||
                          op == "QuantizeLinear" || op == "DequantizeLinear";
  if (conversion && at_border(g, n)) l.op = LayerOp::kFree;
  if (int8 && l.op == LayerOp::kActivation) l.op = LayerOp::kElementwise;  // a table lookup
  // Resize's interpolation reads several inputs per output; nearest only copies.
  if ((op == "Resize" || op == "Upsample") && n.attr_string("mode", "nearest") != "nearest") {
    l.op = LayerOp::kWindowPool;
    l.kernel_h = l.kernel_w = n.attr_string("mode", "") == "cubic" ? 4 : 2;
    l.out_c = 1;
  }
  if (l.op == LayerOp::kFree) return l;
  const auto e = touched_elements(g, n, op, l.op);
  if (!e) {
    l.op = LayerOp::kUncosted;
    l.reason = "no static shape of its output beyond the batch";
    return l;
  }
  l.elements = *e;
  if (l.op == LayerOp::kWindowPool) l.out_w = static_cast<int>(*e);  // output elements × window
  return l;
}

}  // namespace aimc::timing
