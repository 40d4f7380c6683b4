// The placement pass (engine/passes/place.h): its decision for every policy
// on the shared models and the timing specs, the tile grid it records, and
// the refusal of overrides a layer cannot take.
#include "engine/passes/place.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "engine/error.h"
#include "engine/model.h"
#include "engine/onnx_import.h"
#include "engine/passes/scenarios.h"
#include "support/shared_data.h"

namespace aimc {
namespace {

const Graph& qdq_graph() {
  static const Graph g = import_onnx_file(testing::qdq_model_path());
  return g;
}

Graph placed(ExecMode mode, const AnalogConfig& analog = {}, PlacementOverrides o = {},
             const Graph& source = qdq_graph()) {
  ModelOptions opt;
  opt.mode = mode;
  opt.analog = analog;
  opt.placement = std::move(o);
  return prepare_graph(source, opt);
}

const Node& node(const Graph& g, const std::string& name) {
  for (const Node& n : g.nodes)
    if (n.name == name) return n;
  throw std::runtime_error("no node " + name);
}

bool depthwise(const Node& n) { return n.op_type == "QConv" && n.attr_int("group", 1) > 1; }

// Units by op kind over the graph: "QConv/dw" -> {units}.
std::map<std::string, std::set<std::string>> units_by_kind(const Graph& g) {
  std::map<std::string, std::set<std::string>> out;
  for (const Node& n : g.nodes)
    out[n.op_type + (depthwise(n) ? "/dw" : "")].insert(unit_name(n.placement.unit));
  return out;
}

TEST(Place, DigitalAndFloatRunsPutEveryNodeOnTheCores) {
  for (const Node& n : placed(ExecMode::kDigital).nodes) EXPECT_EQ(n.placement, NodePlacement{});
  const Graph fp32 = import_onnx_file(testing::fp32_model_path());
  for (const Node& n : placed(ExecMode::kFloat, {}, {}, fp32).nodes)
    EXPECT_EQ(n.placement, NodePlacement{}) << n.name;
}

TEST(Place, AnalogDefaultPolicyPutsGroupOneConvsAndTheGemmOnArraysDepthwiseOnTheAccelerator) {
  const auto units = units_by_kind(placed(ExecMode::kAnalog));
  EXPECT_EQ(units.at("QConv"), std::set<std::string>{"ima"});
  EXPECT_EQ(units.at("QConv/dw"), std::set<std::string>{"dw-accel"});
  EXPECT_EQ(units.at("QGemm"), std::set<std::string>{"ima"});
  EXPECT_EQ(units.at("QAdd"), std::set<std::string>{"cores"});
  EXPECT_EQ(units.at("QGlobalAveragePool"), std::set<std::string>{"cores"});
}

TEST(Place, TileGridOfArraysAndCjobBlocks) {
  AnalogConfig c;
  const Graph g = placed(ExecMode::kAnalog, c);
  // The last 1x1 conv, 320 -> 1280: 2 x 5 tiles of 256 x 256.
  EXPECT_EQ(node(g, "Conv_1").placement, (NodePlacement{Unit::kArrays, 10, 2, 5, 0}));
  c.tile_rows = c.tile_cols = 128;
  EXPECT_EQ(node(placed(ExecMode::kAnalog, c), "Conv_1").placement,
            (NodePlacement{Unit::kArrays, 30, 3, 10, 0}));
  // The first depthwise conv (32 channels, 3x3) in blocks of 8: four 72 x 8 blocks.
  c = {};
  c.placement.depthwise_cjob = 8;
  const Graph cj = placed(ExecMode::kAnalog, c);
  const Node* dw = nullptr;
  for (const Node& n : cj.nodes)
    if (depthwise(n) && !dw) dw = &n;
  ASSERT_NE(dw, nullptr);
  EXPECT_EQ(dw->placement, (NodePlacement{Unit::kCrossbarCjob, 4, 1, 1, 8}));
  // C_job 32: 288 rows per block, two row tiles each.
  c.placement.depthwise_cjob = 32;
  EXPECT_EQ(node(placed(ExecMode::kAnalog, c), dw->name).placement,
            (NodePlacement{Unit::kCrossbarCjob, 2, 2, 1, 32}));
}

TEST(Place, KindFlagsAndLayerNamesDecideAsTheConfigurationSays) {
  AnalogConfig c;
  c.placement = {false, true, false, 0, {}, {}};  // pointwise only
  Graph g = placed(ExecMode::kAnalog, c);
  EXPECT_EQ(node(g, "Conv_1").placement.unit, Unit::kArrays);  // 1x1
  for (const Node& n : g.nodes) {
    if (n.op_type == "QGemm") {
      EXPECT_EQ(n.placement.unit, Unit::kCores);
    }
    if (n.op_type == "QConv" && !depthwise(n) && n.attr_ints("kernel_shape", {1, 1})[0] == 3) {
      EXPECT_EQ(n.placement.unit, Unit::kCores) << n.name;
    }
  }
  // Names override kinds; digital wins over analog.
  c.placement = {};
  c.placement.digital_layers = {"Conv_1"};
  c.placement.analog_layers = {"Conv_1", "block_16_depthwise"};
  g = placed(ExecMode::kAnalog, c);
  EXPECT_EQ(node(g, "Conv_1").placement.unit, Unit::kCores);
  EXPECT_EQ(node(g, "block_16_depthwise").placement,
            (NodePlacement{Unit::kCrossbarCjob, 60, 1, 1, 16}));
  EXPECT_EQ(node(g, "block_15_depthwise").placement.unit, Unit::kDepthwiseAccel);
}

TEST(Place, FloatModelsPutDepthwiseConvsInCjobBlocksToo) {
  AnalogConfig c;
  c.placement.depthwise_cjob = 16;
  const Graph fp32 = import_onnx_file(testing::fp32_model_path());
  for (const Node& n : placed(ExecMode::kAnalog, c, {}, fp32).nodes) {
    if (n.op_type != "Conv") continue;
    const bool depthwise = n.attr_int("group", 1) > 1;
    EXPECT_EQ(n.placement.unit, depthwise ? Unit::kCrossbarCjob : Unit::kArrays) << n.name;
    if (depthwise) {
      EXPECT_EQ(n.placement.cjob, 16) << n.name;
    }
  }
}

// One layer of each kind, as a programmatic spec gives them.
std::vector<timing::LayerShape> small_spec() {
  std::vector<timing::LayerShape> out;
  auto add = [&](const char* name, timing::LayerOp op, int in_c, int out_c, int k) {
    timing::LayerShape l;
    l.name = name;
    l.op = op;
    l.in_c = in_c;
    l.out_c = out_c;
    l.kernel_h = l.kernel_w = k;
    l.in_h = l.in_w = l.out_h = l.out_w = op == timing::LayerOp::kGemm ? 1 : 14;
    out.push_back(l);
  };
  add("conv", timing::LayerOp::kConv, 3, 32, 3);
  add("pointwise", timing::LayerOp::kPointwise, 32, 96, 1);
  add("depthwise", timing::LayerOp::kDepthwise, 96, 96, 3);
  add("add", timing::LayerOp::kAdd, 96, 96, 1);
  add("pool", timing::LayerOp::kPool, 96, 96, 1);
  add("gemm", timing::LayerOp::kGemm, 96, 10, 1);
  return out;
}

TEST(Place, ScenariosPlaceTheSpecsAsThePaperMapsThem) {
  using timing::Scenario;
  const std::map<Scenario, std::map<std::string, std::string>> want = {
      {Scenario::kCores, {{"conv", "cores"}, {"pointwise", "cores"}, {"depthwise", "cores"}}},
      {Scenario::kImaCjob8, {{"conv", "ima"}, {"depthwise", "ima-cjob"}, {"gemm", "cores"}}},
      {Scenario::kImaCjob16, {{"pointwise", "ima"}, {"depthwise", "ima-cjob"}}},
      {Scenario::kHybrid, {{"pointwise", "ima"}, {"depthwise", "cores-chw"}, {"add", "cores"}}},
      {Scenario::kImaDw, {{"pointwise", "ima"}, {"depthwise", "dw-accel"}, {"pool", "cores"}}},
      {Scenario::kMultiArray, {{"conv", "ima"}, {"depthwise", "dw-accel"}, {"gemm", "cores"}}}};
  for (const auto& [s, units] : want) {
    const auto sp = timing::scenario_placement(s, timing::Hardware{});
    EXPECT_EQ(sp.system, s == Scenario::kMultiArray ? timing::System::kMultiArray
                                                    : timing::System::kSingleIma);
    auto layers = small_spec();
    place_layers(layers, sp.policy);
    for (const auto& l : layers) {
      auto it = units.find(timing::layer_op_name(l.op));
      if (it != units.end()) {
        EXPECT_EQ(unit_name(l.placement.unit), it->second) << timing::scenario_name(s) << l.name;
      }
      if (l.placement.unit == Unit::kCrossbarCjob) {
        EXPECT_EQ(l.placement.cjob, s == Scenario::kImaCjob8 ? 8 : 16);
      }
    }
  }
}

void expect_refused(const PlacementOverrides& o, ExecMode mode, const std::string& layer,
                    const std::string& unit) {
  try {
    placed(mode, {}, o);
    ADD_FAILURE() << layer << " on " << unit << " was accepted";
  } catch (const BadInput& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("p.json"), std::string::npos) << what;
    EXPECT_NE(what.find("'" + layer + "'"), std::string::npos) << what;
    EXPECT_NE(what.find("'" + unit + "'"), std::string::npos) << what;
  }
}

TEST(Place, OverridesReplaceTheDecisionOrAreRefusedNamingLayerAndUnit) {
  PlacementOverrides o{
      "p.json", {{"Conv_1", Unit::kCores, 0}, {"block_1_depthwise", Unit::kCrossbarCjob, 4}}};
  const Graph g = placed(ExecMode::kAnalog, {}, o);
  EXPECT_EQ(node(g, "Conv_1").placement, NodePlacement{});
  EXPECT_EQ(node(g, "block_1_depthwise").placement.cjob, 4);
  EXPECT_EQ(node(g, "block_1_depthwise").placement.unit, Unit::kCrossbarCjob);
  EXPECT_EQ(node(g, "block_1_project").placement.unit, Unit::kArrays);  // untouched
  using E = PlacementOverride;
  expect_refused({"p.json", {E{"no_such_layer", Unit::kCores, 0}}}, ExecMode::kAnalog,
                 "no_such_layer", "cores");
  expect_refused({"p.json", {E{"block_2_add", Unit::kArrays, 0}}}, ExecMode::kAnalog, "block_2_add",
                 "ima");
  expect_refused({"p.json", {E{"Conv_1", Unit::kDepthwiseAccel, 0}}}, ExecMode::kAnalog, "Conv_1",
                 "dw-accel");
  expect_refused({"p.json", {E{"Conv_1", Unit::kCrossbarCjob, 0}}}, ExecMode::kAnalog, "Conv_1",
                 "ima-cjob");
  expect_refused({"p.json", {E{"block_1_depthwise", Unit::kArrays, 0}}}, ExecMode::kAnalog,
                 "block_1_depthwise", "ima");
  expect_refused({"p.json", {E{"Conv_1", Unit::kArrays, 0}}}, ExecMode::kDigital, "Conv_1", "ima");
  expect_refused({"p.json", {E{"Conv_1", Unit::kCores, 0}, E{"Conv_1", Unit::kArrays, 0}}},
                 ExecMode::kAnalog, "Conv_1", "ima");
}

}  // namespace
}  // namespace aimc

namespace aimc {
namespace {

// One layer moved off the crossbar, by the configuration's digital_layers or
// by a placement override: the same outputs either way, other than with the
// layer on the crossbar, and the layer itself then computes exactly what the
// digital model computes from the same input.
TEST(PlaceOutputs, MovingOneLayerToTheCoresByNameOrByFileGivesTheSameOutputs) {
  const auto crops = testing::read_binary(testing::shared_path("reference/crops_u8.bin"));
  const Tensor input = testing::reference_input_from_crops(crops.data(), 1);
  ModelOptions o;
  o.mode = ExecMode::kAnalog;
  o.analog.device = "gaussian";
  o.analog.seed = 3;
  auto logits = [&](const ModelOptions& opt) {
    const Tensor t = Model::from_graph(qdq_graph(), opt).run({input}).int8_outputs.at(0);
    return std::string(reinterpret_cast<const char*>(t.raw()), t.byte_size());
  };
  const std::string on_crossbar = logits(o);
  ModelOptions by_name = o;
  by_name.analog.placement.digital_layers = {"Conv_1"};
  ModelOptions by_file = o;
  by_file.placement = {"p.json", {{"Conv_1", Unit::kCores, 0}}};
  const std::string moved = logits(by_name);
  EXPECT_EQ(logits(by_file), moved);
  EXPECT_NE(moved, on_crossbar);
}

}  // namespace
}  // namespace aimc
