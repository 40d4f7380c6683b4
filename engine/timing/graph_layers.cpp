#include "engine/timing/graph_layers.h"

#include "engine/error.h"
#include "engine/fused_attrs.h"

namespace aimc::timing {
namespace {

// [N, C, H, W] of a value whether it is stored NCHW (float) or NHWC (int8).
struct Chw {
  int c = 0, h = 1, w = 1;
};

Chw chw_of(const Graph& g, const Node& n, const std::string& value) {
  auto it = g.values.find(value);
  if (it == g.values.end() || it->second.shape.size() != 4)
    throw bad_input(g.source, n.label() + ": no static 4-D shape for '" + value + "'");
  const Shape& s = it->second.shape;
  if (it->second.nhwc)
    return {static_cast<int>(s[3]), static_cast<int>(s[1]), static_cast<int>(s[2])};
  return {static_cast<int>(s[1]), static_cast<int>(s[2]), static_cast<int>(s[3])};
}

Shape weight_shape(const Graph& g, const std::string& name) {
  if (const Tensor* t = g.initializer(name)) return t->shape();
  auto it = g.values.find(name);
  return it == g.values.end() ? Shape{} : it->second.shape;
}

}  // namespace

std::vector<LayerShape> layers_from_graph(const Graph& g) {
  std::vector<LayerShape> out;
  for (const Node& n : g.nodes) {
    LayerShape l;
    l.name = n.name.empty() ? n.outputs.at(0) : n.name;
    l.placement = n.placement;  // stages fused into the node (float mode) run on the cores
    const std::string& op = n.op_type;
    if (op == "QConv" || op == "Conv") {
      const Shape w = weight_shape(g, n.inputs.at(1));
      if (w.size() != 4) continue;  // 1-D/3-D convs are not part of the cluster model
      Chw in = chw_of(g, n, n.inputs[0]);
      const Chw o = chw_of(g, n, n.outputs[0]);
      const int64_t group = n.attr_int("group", 1);
      // Fused 1x1 stages (float mode) are still their own layers on the
      // cluster: the expansion before the depthwise, the projection after.
      const auto pointwise = [&](const char* name_attr, int in_c, int out_c, Chw at) {
        LayerShape p;
        p.name = n.attr_string(name_attr, n.outputs[0]);
        p.op = LayerOp::kPointwise;
        p.in_c = in_c;
        p.out_c = out_c;
        p.in_h = p.out_h = at.h;
        p.in_w = p.out_w = at.w;
        return p;
      };
      if (n.attr_int(kFusedExpand, 0) != 0) {
        const Shape ew = weight_shape(g, n.inputs.at(kFusedExpandWeight));
        if (ew.size() != 4) continue;
        out.push_back(pointwise(kFusedExpandName, in.c, static_cast<int>(ew[0]), in));
        in.c = static_cast<int>(ew[0]);
      }
      const bool projected = n.attr_int(kFusedProject, 0) != 0;
      l.in_c = in.c;
      l.out_c = projected ? static_cast<int>(w[0]) : o.c;
      l.kernel_h = static_cast<int>(w[2]);
      l.kernel_w = static_cast<int>(w[3]);
      const auto strides = n.attr_ints("strides");
      l.stride = strides.empty() ? 1 : static_cast<int>(strides[0]);
      l.in_h = in.h;
      l.in_w = in.w;
      l.out_h = o.h;
      l.out_w = o.w;
      if (group == 1)
        l.op = l.kernel_h * l.kernel_w == 1 ? LayerOp::kPointwise : LayerOp::kConv;
      else if (group == in.c && group == l.out_c)
        l.op = LayerOp::kDepthwise;
      else
        continue;  // grouped convs: not modelled
      if (projected) {
        out.push_back(l);
        l = pointwise(kFusedProjectName, static_cast<int>(w[0]), o.c, o);
      }
      if (n.attr_int(kFusedAdd, 0) != 0) {
        // A fused residual Add (float mode) is still its own layer on the
        // cluster: after the conv, on the conv's output shape.
        out.push_back(l);
        l = LayerShape{};
        l.name = n.attr_string(kFusedAddName, n.outputs[0]);
        l.op = LayerOp::kAdd;
        l.in_c = l.out_c = o.c;
        l.in_h = l.out_h = o.h;
        l.in_w = l.out_w = o.w;
      }
    } else if (op == "QGemm" || op == "Gemm") {
      const Shape w = weight_shape(g, n.inputs.at(1));
      if (w.size() != 2) continue;
      const bool trans_b = n.attr_int("transB", 0) != 0;
      l.op = LayerOp::kGemm;
      l.in_c = static_cast<int>(trans_b ? w[1] : w[0]);
      l.out_c = static_cast<int>(trans_b ? w[0] : w[1]);
    } else if (op == "QAdd" || op == "Add") {
      auto it = g.values.find(n.outputs.at(0));
      if (it == g.values.end() || it->second.shape.size() != 4) continue;
      const Chw o = chw_of(g, n, n.outputs[0]);
      l.op = LayerOp::kAdd;
      l.in_c = l.out_c = o.c;
      l.in_h = l.out_h = o.h;
      l.in_w = l.out_w = o.w;
    } else if (op == "QGlobalAveragePool" || op == "GlobalAveragePool") {
      const Chw in = chw_of(g, n, n.inputs.at(0));
      l.op = LayerOp::kPool;
      l.in_c = l.out_c = in.c;
      l.in_h = in.h;
      l.in_w = in.w;
    } else {
      continue;
    }
    out.push_back(l);
  }
  return out;
}

}  // namespace aimc::timing
