#include "engine/passes/place.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "engine/error.h"
#include "engine/fused_attrs.h"

namespace aimc {
namespace {

enum class Kind { kConv, kPointwise, kDepthwise, kGemm, kOther };

// What placing a layer needs to know: its kind and crossbar matrix (K rows
// × N columns; a depthwise conv's taps and channels), and whether the
// emulation has a crossbar kernel for it.
struct LayerFacts {
  Kind kind = Kind::kOther;
  int64_t k = 0, n = 0;
  int64_t taps = 0;
  // > 1: a grouped conv, on the crossbar as `groups` block-diagonal blocks
  // of k × n/groups (k counts one group's inputs).
  int64_t groups = 1;
  // A recurrent layer's other crossbar matrices (K, N): its R, and W and R
  // of a second direction; on the crossbar each has arrays of its own.
  std::vector<std::pair<int64_t, int64_t>> more_matrices;
  bool crossbar_kernel = false;
};

// Kind of a conv from its geometry (groups == channels == outputs: depthwise;
// other grouped convs are convs whose matrix is block-diagonal).
Kind conv_kind(int64_t groups, int64_t in_c, int64_t out_c, int64_t kernel_volume) {
  if (groups == 1) return kernel_volume == 1 ? Kind::kPointwise : Kind::kConv;
  if (groups == in_c && groups == out_c) return Kind::kDepthwise;
  return Kind::kConv;
}

// The facts of a node the kernels could run on a crossbar: int8 QConv/QGemm
// with constant int8 weights; float Conv (any group count), Gemm, MatMul,
// LSTM, GRU and RNN with constant float weights.
LayerFacts facts_of(const Graph& g, const Node& node) {
  LayerFacts f;
  const std::string& op = node.op_type;
  const Tensor* w = node.inputs.size() > 1 ? g.initializer(node.inputs[1]) : nullptr;
  if (!w) return f;
  const int64_t group = node.attr_int("group", 1);
  if (op == "QConv" && w->dtype() == DType::kInt8 && w->rank() == 4) {
    const int64_t taps = w->dim(2) * w->dim(3);
    f.kind = conv_kind(group, w->dim(1) * group, w->dim(0), taps);
    f.k = taps * w->dim(1);
    f.n = w->dim(0);
    f.taps = taps;
    if (f.kind != Kind::kDepthwise) f.groups = group;
    f.crossbar_kernel = true;
  } else if (op == "Conv" && w->dtype() == DType::kFloat32 && w->rank() >= 3) {
    const int64_t k = w->size() / w->dim(0);
    f.kind = conv_kind(group, w->dim(1) * group, w->dim(0), k / w->dim(1));
    f.k = k;
    f.n = w->dim(0);
    f.taps = k / w->dim(1);
    if (f.kind != Kind::kDepthwise) f.groups = group;
    // The float crossbar kernel maps any group count as block-diagonal
    // blocks (a depthwise conv in C_job-channel blocks).
    f.crossbar_kernel = true;
  } else if (op == "QDynamicConv" && w->rank() >= 3 &&
             (w->dtype() == DType::kInt8 || w->dtype() == DType::kUInt8)) {
    // Float in and out, integer codes on the tiles, a block per group (a
    // depthwise one has no C_job mapping: it stays on the cores).
    const int64_t k = w->size() / w->dim(0);
    f.kind = conv_kind(group, w->dim(1) * group, w->dim(0), k / w->dim(1));
    f.k = k;
    f.n = w->dim(0);
    f.taps = k / w->dim(1);
    if (f.kind != Kind::kDepthwise) f.groups = group;
    f.crossbar_kernel = f.kind != Kind::kDepthwise;
  } else if ((op == "QGemm" && w->dtype() == DType::kInt8 && w->rank() == 2) ||
             (op == "QDynamicGemm" && w->rank() == 2 &&
              (w->dtype() == DType::kInt8 || w->dtype() == DType::kUInt8)) ||
             ((op == "Gemm" || op == "MatMul") && w->dtype() == DType::kFloat32 &&
              w->rank() == 2)) {
    const bool trans_b = node.attr_int("transB", 0) != 0;
    f.kind = Kind::kGemm;
    f.k = trans_b ? w->dim(1) : w->dim(0);
    f.n = trans_b ? w->dim(0) : w->dim(1);
    f.crossbar_kernel = true;
  } else if (op == "QDynamicLSTM" && w->rank() == 3 && w->dim(0) == 1 &&
             (w->dtype() == DType::kInt8 || w->dtype() == DType::kUInt8)) {
    // ONNX Runtime's layout: W [1, input, 4·hidden] and R [1, hidden,
    // 4·hidden] are a Gemm's B each, integer codes on the tiles.
    const Tensor* r = g.initializer(node.inputs.size() > 2 ? node.inputs[2] : "");
    if (r && r->dtype() == w->dtype() && r->rank() == 3) {
      f.kind = Kind::kGemm;
      f.k = w->dim(1);
      f.n = w->dim(2);
      f.more_matrices.emplace_back(r->dim(1), r->dim(2));
      f.crossbar_kernel = true;
    }
  } else if ((op == "LSTM" || op == "GRU" || op == "RNN") && w->dtype() == DType::kFloat32 &&
             w->rank() == 3) {
    // A recurrent layer's W and R ([directions, gates·hidden, input or
    // hidden]) go on tiles like a Gemm's B, each direction's apart; the
    // grid is the first W's.
    const Tensor* r = g.initializer(node.inputs.size() > 2 ? node.inputs[2] : "");
    if (r && r->dtype() == DType::kFloat32 && r->rank() == 3) {
      f.kind = Kind::kGemm;
      f.k = w->dim(2);
      f.n = w->dim(1);
      for (int64_t d = 0; d < w->dim(0); ++d) {
        if (d > 0) f.more_matrices.emplace_back(w->dim(2), w->dim(1));
        f.more_matrices.emplace_back(r->dim(2), r->dim(1));
      }
      f.crossbar_kernel = true;
    }
  }
  return f;
}

LayerFacts facts_of(const timing::LayerShape& l) {
  LayerFacts f;
  f.k = l.rows();
  f.n = l.cols();
  f.taps = int64_t{l.kernel_h} * l.kernel_w;
  f.crossbar_kernel = true;
  switch (l.op) {
    case timing::LayerOp::kConv:
      f.kind = Kind::kConv;
      break;
    case timing::LayerOp::kPointwise:
      f.kind = Kind::kPointwise;
      break;
    case timing::LayerOp::kDepthwise:
      f.kind = Kind::kDepthwise;
      f.k = f.taps;  // per channel
      break;
    case timing::LayerOp::kGemm:
      f.kind = Kind::kGemm;
      break;
    default:
      break;
  }
  return f;
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// The annotation of a layer on `unit`, with its tile grid on crossbar units.
NodePlacement placement_on(Unit unit, const LayerFacts& f, int cjob, const PlacementPolicy& p) {
  NodePlacement np;
  np.unit = unit;
  if (unit == Unit::kArrays) {
    // One block per group (one block for an ungrouped layer).
    const int64_t block_n = f.n / std::max<int64_t>(1, f.groups);
    np.row_tiles = static_cast<int>(ceil_div(f.k, p.tile_rows));
    np.col_tiles = static_cast<int>(ceil_div(block_n, p.tile_cols));
    np.arrays = static_cast<int>(f.groups) * np.row_tiles * np.col_tiles;
    for (const auto& [k, n] : f.more_matrices)
      np.arrays += static_cast<int>(ceil_div(k, p.tile_rows) * ceil_div(n, p.tile_cols));
  } else if (unit == Unit::kCrossbarCjob) {
    // Block-diagonal blocks of C_job channels: (taps · C_job) × C_job each.
    np.cjob = cjob;
    np.row_tiles = static_cast<int>(ceil_div(f.taps * std::min<int64_t>(cjob, f.n), p.tile_rows));
    np.col_tiles = static_cast<int>(ceil_div(std::min<int64_t>(cjob, f.n), p.tile_cols));
    for (int64_t c0 = 0; c0 < f.n; c0 += cjob) {
      const int64_t b = std::min<int64_t>(cjob, f.n - c0);
      np.arrays += static_cast<int>(ceil_div(f.taps * b, p.tile_rows) * ceil_div(b, p.tile_cols));
    }
  }
  if (on_crossbar(unit)) {
    np.copies = p.pairs_per_weight;
    np.arrays *= np.copies;
  }
  return np;
}

int default_cjob(const PlacementPolicy& p) { return p.depthwise_cjob > 0 ? p.depthwise_cjob : 16; }

// The policy's decision: by kind, names overriding kinds (digital first).
NodePlacement decide(const PlacementPolicy& p, const std::string& name, const LayerFacts& f) {
  if (!p.analog || f.kind == Kind::kOther) return {};
  auto listed = [&name](const std::vector<std::string>& v) {
    return std::find(v.begin(), v.end(), name) != v.end();
  };
  bool crossbar = false;
  if (listed(p.digital_layers)) {
    crossbar = false;
  } else if (listed(p.analog_layers)) {
    crossbar = true;
  } else {
    switch (f.kind) {
      case Kind::kConv:
        crossbar = p.conv;
        break;
      case Kind::kPointwise:
        crossbar = p.pointwise;
        break;
      case Kind::kGemm:
        crossbar = p.gemm;
        break;
      case Kind::kDepthwise:
        crossbar = p.depthwise_cjob > 0;
        break;
      case Kind::kOther:
        break;
    }
  }
  if (p.emulated && !f.crossbar_kernel) crossbar = false;
  if (f.kind == Kind::kDepthwise)
    return placement_on(crossbar ? Unit::kCrossbarCjob : p.depthwise_elsewhere, f, default_cjob(p),
                        p);
  return crossbar ? placement_on(Unit::kArrays, f, 0, p) : NodePlacement{};
}

// The units a layer can be put on by hand.
std::vector<Unit> allowed_units(const PlacementPolicy& p, const LayerFacts& f) {
  std::vector<Unit> units = {Unit::kCores};
  const bool crossbar = (p.analog || !p.emulated) && (f.crossbar_kernel || !p.emulated);
  if (f.kind == Kind::kDepthwise) {
    units.push_back(Unit::kDepthwiseAccel);
    units.push_back(Unit::kCoresChw);
    if (crossbar) units.push_back(Unit::kCrossbarCjob);
  } else if (f.kind != Kind::kOther && crossbar) {
    units.push_back(Unit::kArrays);
  }
  return units;
}

// Checks one override against the layer it names and returns its annotation.
NodePlacement overridden(const PlacementPolicy& p, const PlacementOverrides& o,
                         const PlacementOverride& e, const std::string& op, const LayerFacts& f) {
  const std::vector<Unit> units = allowed_units(p, f);
  if (std::find(units.begin(), units.end(), e.unit) == units.end()) {
    std::string can;
    for (Unit u : units) can += (can.empty() ? "" : ", ") + unit_name(u);
    const bool needs_analog = on_crossbar(e.unit) && p.emulated && !p.analog;
    throw bad_input(o.source, "layer '" + e.layer + "' (" + op + ") cannot run on unit '" +
                                  unit_name(e.unit) + "'" +
                                  (needs_analog ? " outside --mode analog" : "") +
                                  " (it can run on: " + can + ")");
  }
  return placement_on(e.unit, f, e.cjob > 0 ? e.cjob : default_cjob(p), p);
}

void refuse_repeats(const PlacementOverrides& o) {
  std::map<std::string, int> seen;
  for (const auto& e : o.entries)
    if (++seen[e.layer] == 2)
      throw bad_input(o.source, "layer '" + e.layer + "' (unit '" + unit_name(e.unit) +
                                    "') is listed more than once");
}

}  // namespace

PlacementPolicy cores_policy() { return PlacementPolicy{}; }

PlacementPolicy analog_policy(const AnalogConfig& c) {
  PlacementPolicy p;
  p.analog = true;
  p.conv = c.placement.conv;
  p.pointwise = c.placement.pointwise;
  p.gemm = c.placement.gemm;
  p.depthwise_cjob = c.placement.depthwise_cjob;
  p.analog_layers = c.placement.analog_layers;
  p.digital_layers = c.placement.digital_layers;
  p.tile_rows = c.tile_rows;
  p.tile_cols = c.tile_cols;
  p.pairs_per_weight = c.pairs_per_weight;
  return p;
}

bool is_layer_node(const Node& n) {
  static const char* const kOps[] = {"QConv",
                                     "Conv",
                                     "QGemm",
                                     "Gemm",
                                     "MatMul",
                                     "QAdd",
                                     "Add",
                                     "QGlobalAveragePool",
                                     "GlobalAveragePool",
                                     "QAveragePool",
                                     "AveragePool",
                                     "QMaxPool",
                                     "MaxPool",
                                     "QDynamicConv",
                                     "QDynamicGemm",
                                     "QDynamicLSTM",
                                     "LSTM",
                                     "GRU",
                                     "RNN"};
  return std::find(std::begin(kOps), std::end(kOps), n.op_type) != std::end(kOps);
}

void place(Graph& g, const PlacementPolicy& p, const PlacementOverrides& overrides) {
  for (Node& n : g.nodes) n.placement = decide(p, n.name, facts_of(g, n));
  refuse_repeats(overrides);
  std::map<std::string, std::size_t> by_name;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) by_name.emplace(g.nodes[i].name, i);
  for (const auto& e : overrides.entries) {
    auto it = by_name.find(e.layer);
    if (it == by_name.end()) {
      // A stage fused into another node (float mode) exists, on the cores.
      const bool fused = std::any_of(g.nodes.begin(), g.nodes.end(), [&](const Node& n) {
        for (const char* key : {kFusedExpandName, kFusedProjectName, kFusedAddName})
          if (n.attr_string(key, "") == e.layer) return true;
        return false;
      });
      if (fused && e.unit == Unit::kCores) continue;
      throw bad_input(overrides.source, "layer '" + e.layer + "' (unit '" + unit_name(e.unit) +
                                            "'): " +
                                            (fused ? "a stage fused into another node runs "
                                                     "on the cores only"
                                                   : "no layer of that name in the graph"));
    }
    Node& n = g.nodes[it->second];
    n.placement = overridden(p, overrides, e, n.op_type, facts_of(g, n));
  }
}

void place_layers(std::vector<timing::LayerShape>& layers, const PlacementPolicy& p,
                  const PlacementOverrides& overrides) {
  for (auto& l : layers) l.placement = decide(p, l.name, facts_of(l));
  refuse_repeats(overrides);
  for (const auto& e : overrides.entries) {
    auto it = std::find_if(layers.begin(), layers.end(),
                           [&](const timing::LayerShape& l) { return l.name == e.layer; });
    if (it == layers.end())
      throw bad_input(overrides.source, "layer '" + e.layer + "' (unit '" + unit_name(e.unit) +
                                            "'): no layer of that name in the spec");
    it->placement = overridden(p, overrides, e, timing::layer_op_name(it->op), facts_of(*it));
  }
}

}  // namespace aimc
