// The timing model reads every node of a graph (engine/timing/graph_layers.h):
// grouped convs, pools, MatMul over a sequence, elementwise ops, data
// movement and recurrent layers are costed with MACs and cycles counted by
// hand here; a node it cannot cost is listed, not dropped.
#include <gtest/gtest.h>

#include "engine/hardware/hardware.h"
#include "engine/timing/cluster_model.h"
#include "engine/timing/graph_layers.h"

namespace aimc::timing {
namespace {

constexpr int64_t kBatch = -1;  // the batch, unknown until run time

void value(Graph& g, const std::string& name, Shape shape) {
  g.values[name].shape = std::move(shape);
}

void weight(Graph& g, const std::string& name, Shape shape) {
  g.initializers[name] = Tensor(DType::kFloat32, shape);
  value(g, name, std::move(shape));
}

Node node(const std::string& name, const std::string& op, std::vector<std::string> in,
          std::vector<std::string> out) {
  Node n;
  n.name = name;
  n.op_type = op;
  n.inputs = std::move(in);
  n.outputs = std::move(out);
  return n;
}

// A float graph with one node of each kind; shapes as shape inference gives them.
Graph every_kind_graph() {
  Graph g;
  g.inputs = {"X", "S", "L"};
  value(g, "X", {kBatch, 24, 8, 8});
  weight(g, "Wg", {48, 6, 3, 3});  // 4 groups of 6 -> 12 channels
  Node conv = node("gconv", "Conv", {"X", "Wg"}, {"G"});
  conv.attrs["group"] = int64_t{4};
  conv.attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  value(g, "G", {kBatch, 48, 8, 8});
  Node maxpool = node("maxpool", "MaxPool", {"G"}, {"P"});
  maxpool.attrs["kernel_shape"] = std::vector<int64_t>{2, 2};
  maxpool.attrs["strides"] = std::vector<int64_t>{2, 2};
  value(g, "P", {kBatch, 48, 4, 4});
  Node avgpool = node("avgpool", "AveragePool", {"P"}, {"A"});
  avgpool.attrs["kernel_shape"] = std::vector<int64_t>{3, 3};
  avgpool.attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  value(g, "A", {kBatch, 48, 4, 4});
  // A sequence of 10 tokens of 32 through a constant 32 x 16 weight.
  value(g, "S", {kBatch, 10, 32});
  weight(g, "Wm", {32, 16});
  value(g, "M", {kBatch, 10, 16});
  weight(g, "bias", {16});
  value(g, "B", {kBatch, 10, 16});
  value(g, "Sm", {kBatch, 10, 16});
  Node transpose = node("transpose", "Transpose", {"Sm"}, {"T"});
  transpose.attrs["perm"] = std::vector<int64_t>{0, 2, 1};
  value(g, "T", {kBatch, 16, 10});
  // An LSTM over 5 steps of 16 inputs, hidden 8 (sequence first).
  value(g, "L", {5, kBatch, 16});
  weight(g, "Wl", {1, 32, 16});
  weight(g, "Rl", {1, 32, 8});
  Node lstm = node("lstm", "LSTM", {"L", "Wl", "Rl"}, {"Y"});
  lstm.attrs["hidden_size"] = int64_t{8};
  value(g, "Y", {5, 1, kBatch, 8});
  value(g, "F", {kBatch, 48 * 16});
  value(g, "E", {kBatch, 16, 10});
  g.nodes = {conv,
             maxpool,
             avgpool,
             node("matmul", "MatMul", {"S", "Wm"}, {"M"}),
             node("add", "Add", {"M", "bias"}, {"B"}),
             node("softmax", "Softmax", {"B"}, {"Sm"}),
             transpose,
             lstm,
             node("flatten", "Flatten", {"A"}, {"F"}),
             node("einsum", "Einsum", {"T"}, {"E"})};
  g.outputs = {"Y", "F", "E"};
  return g;
}

const LayerShape& layer(const std::vector<LayerShape>& layers, const std::string& name) {
  for (const auto& l : layers)
    if (l.name == name) return l;
  throw std::runtime_error("no layer " + name);
}

const LayerCost& cost(const TimingReport& r, const std::string& name) {
  for (const auto& c : r.layers)
    if (c.name == name) return c;
  throw std::runtime_error("no costed layer " + name);
}

TEST(TimingEveryLayer, EveryKindIsCostedWithTheHandCountedMacsAndCycles) {
  const auto layers = layers_from_graph(every_kind_graph());
  ASSERT_EQ(layers.size(), 10u);  // one per node, none dropped
  const Hardware h;
  const TimingReport r = estimate(layers, h, System::kSingleIma);
  // Grouped 3x3 conv: 8·8 outputs × 48 channels × 3·3·24/4 taps.
  EXPECT_EQ(layer(layers, "gconv").op, LayerOp::kGroupedConv);
  EXPECT_EQ(cost(r, "gconv").macs, 8 * 8 * 48 * (3 * 3 * 24 / 4));
  EXPECT_EQ(cost(r, "gconv").params, 48 * 6 * 3 * 3);
  EXPECT_DOUBLE_EQ(cost(r, "gconv").cycles, 8 * 8 * 48 * 54 / h.sw_conv_mac_per_cycle);
  EXPECT_EQ(cost(r, "gconv").unit, "cores");  // the placement pass leaves grouped convs there
  // Pools: per output element × window.
  EXPECT_DOUBLE_EQ(cost(r, "maxpool").cycles, 48 * 4 * 4 * 4 * h.pool_cycles_per_element);
  EXPECT_DOUBLE_EQ(cost(r, "avgpool").cycles, 48 * 4 * 4 * 9 * h.pool_cycles_per_element);
  EXPECT_EQ(cost(r, "maxpool").op, "maxpool");
  // MatMul with a constant weight over a sequence: 10 rows of 32 -> 16 per image.
  EXPECT_EQ(cost(r, "matmul").macs, 10 * 32 * 16);
  EXPECT_EQ(cost(r, "matmul").params, 32 * 16);
  EXPECT_DOUBLE_EQ(cost(r, "matmul").cycles, 10 * 32 * 16 / h.sw_gemm_mac_per_cycle);
  // Elementwise, softmax and a transpose: per element of one image.
  EXPECT_DOUBLE_EQ(cost(r, "add").cycles, 160 * h.add_cycles_per_element);
  EXPECT_DOUBLE_EQ(cost(r, "softmax").cycles, 160 * h.softmax_cycles_per_element);
  EXPECT_DOUBLE_EQ(cost(r, "transpose").cycles, 160 * h.copy_cycles_per_element);
  // LSTM: 5 serial steps of X·Wᵀ (16 -> 32) and H·Rᵀ (8 -> 32), then the
  // gates of 8 units: 2·4 + 4 additions and multiplications, 5 activations.
  EXPECT_EQ(cost(r, "lstm").macs, 5 * (16 + 8) * 4 * 8);
  EXPECT_EQ(cost(r, "lstm").params, (16 + 8) * 4 * 8);
  const double gates =
      5 * 8 * (12 * h.add_cycles_per_element + 5 * h.activation_cycles_per_element);
  EXPECT_DOUBLE_EQ(cost(r, "lstm").cycles, 5 * 24 * 32 / h.sw_gemm_mac_per_cycle + gates);
  // A view costs nothing and runs nowhere.
  EXPECT_EQ(cost(r, "flatten").cycles, 0);
  EXPECT_EQ(cost(r, "flatten").unit, "none");
  // Totals: the MACs of the conv, the MatMul and the LSTM.
  EXPECT_DOUBLE_EQ(r.mmac, (165888 + 5120 + 3840) / 1e6);
  EXPECT_EQ(r.assumed_rates,
            (std::vector<std::string>{"softmax_cycles_per_element", "copy_cycles_per_element",
                                      "activation_cycles_per_element"}));
}

TEST(TimingEveryLayer, AnOpWithoutCostModelIsListedAndLeftOutOfTheTotals) {
  const TimingReport r =
      estimate(layers_from_graph(every_kind_graph()), Hardware{}, System::kSingleIma);
  ASSERT_EQ(r.uncosted.size(), 1u);
  EXPECT_EQ(r.uncosted[0].name, "einsum");
  EXPECT_EQ(r.uncosted[0].op, "einsum");
  EXPECT_NE(r.uncosted[0].reason.find("Einsum"), std::string::npos) << r.uncosted[0].reason;
  EXPECT_EQ(r.layers.size(), 9u);
  double cycles = 0;
  for (const auto& c : r.layers) cycles += c.cycles;
  EXPECT_DOUBLE_EQ(r.cycles, cycles);
}

TEST(TimingEveryLayer, UnknownSequenceLengthIsListedWithItsReason) {
  Graph g = every_kind_graph();
  value(g, "L", {-1, kBatch, 16});
  const auto layers = layers_from_graph(g);
  const auto& l = layer(layers, "lstm");
  EXPECT_EQ(l.op, LayerOp::kUncosted);
  EXPECT_EQ(l.reason, "unknown sequence length");
}

// On the crossbar: a MatMul's rows are jobs, an LSTM's steps are serial
// jobs of both matrices plus its gates on the cores, and a grouped conv is
// block-diagonal: a block per group on arrays, C_job channels per block.
TEST(TimingEveryLayer, CrossbarPlacementsOfTheNewKinds) {
  Graph g = every_kind_graph();
  for (Node& n : g.nodes) {
    if (n.name == "matmul" || n.name == "lstm" || n.name == "gconv")
      n.placement = NodePlacement{Unit::kArrays, 1, 1, 1, 0};
  }
  const Hardware h;
  TimingReport r = estimate(layers_from_graph(g), h, System::kMultiArray);
  const double job = ima_job_cycles(h, 32, 16, h.streamed_job_overhead_cycles).total;
  EXPECT_EQ(cost(r, "matmul").jobs, 10);
  EXPECT_DOUBLE_EQ(cost(r, "matmul").cycles, 10 * job);
  const double gates =
      5 * 8 * (12 * h.add_cycles_per_element + 5 * h.activation_cycles_per_element);
  EXPECT_EQ(cost(r, "lstm").jobs, 2 * 5);
  EXPECT_DOUBLE_EQ(cost(r, "lstm").cycles,
                   5 * ima_job_cycles(h, 16, 32, h.streamed_job_overhead_cycles).total +
                       5 * ima_job_cycles(h, 8, 32, h.streamed_job_overhead_cycles).total + gates);
  // A 54 x 12 block per group: four jobs per pixel.
  EXPECT_EQ(cost(r, "gconv").jobs, 4 * 64);
  EXPECT_DOUBLE_EQ(cost(r, "gconv").cycles,
                   4 * 64 * ima_job_cycles(h, 54, 12, h.streamed_job_overhead_cycles).total);
  for (Node& n : g.nodes)
    if (n.name == "gconv") n.placement = NodePlacement{Unit::kCrossbarCjob, 2, 1, 1, 24};
  r = estimate(layers_from_graph(g), h, System::kSingleIma);
  // C_job 24: two groups of 12 outputs per block, two blocks of 108 x 24.
  EXPECT_EQ(cost(r, "gconv").jobs, 2 * 64);
  EXPECT_DOUBLE_EQ(cost(r, "gconv").cycles,
                   128 * ima_job_cycles(h, 108, 24, h.cluster_job_overhead_cycles).total);
}

// A bidirectional LSTM maps each direction's W and R apart, as the
// emulation does: with arrays the size of one matrix, four arrays, not two.
TEST(TimingEveryLayer, EachDirectionOfARecurrentLayerHasItsOwnArrays) {
  for (const std::string direction : {"forward", "bidirectional"}) {
    SCOPED_TRACE(direction);
    const int64_t dirs = direction == "forward" ? 1 : 2;
    Graph g;
    g.inputs = {"L"};
    value(g, "L", {5, kBatch, 8});
    weight(g, "W", {dirs, 32, 8});  // input 8, hidden 8: 8 x 32 matrices
    weight(g, "R", {dirs, 32, 8});
    Node lstm = node("lstm", "LSTM", {"L", "W", "R"}, {"Y"});
    lstm.attrs["hidden_size"] = int64_t{8};
    lstm.attrs["direction"] = direction;
    lstm.placement = NodePlacement{Unit::kArrays, 1, 1, 1, 0};
    value(g, "Y", {5, dirs, kBatch, 8});
    g.nodes = {lstm};
    g.outputs = {"Y"};
    Hardware h;
    h.ima_rows = 8;
    h.ima_cols = 32;
    const TimingReport r = estimate(layers_from_graph(g), h, System::kMultiArray);
    EXPECT_EQ(cost(r, "lstm").arrays, 2 * dirs);
    EXPECT_EQ(cost(r, "lstm").jobs, 2 * 5 * dirs);
  }
}

// Dynamically quantized layers cost what their float op costs.
TEST(TimingEveryLayer, DynamicallyQuantizedLayersAreCostedLikeTheirFloatOps) {
  Graph g;
  g.inputs = {"S"};
  value(g, "S", {kBatch, 10, 32});
  weight(g, "Wm", {32, 16});
  value(g, "M", {kBatch, 10, 16});
  g.nodes = {node("qgemm", "QDynamicGemm", {"S", "Wm"}, {"M"}),
             node("mmi", "MatMulInteger", {"S", "Wm"}, {"M"})};
  const TimingReport r = estimate(layers_from_graph(g), Hardware{}, System::kSingleIma);
  EXPECT_TRUE(r.uncosted.empty());
  EXPECT_EQ(cost(r, "qgemm").macs, 10 * 32 * 16);
  EXPECT_EQ(cost(r, "mmi").macs, 10 * 32 * 16);
}

// A ShuffleNet unit (g = 3, 240 channels at 28x28): 1x1 group conv to 60,
// channel shuffle, 3x3 depthwise, 1x1 group conv back to 240, residual add.
TEST(TimingEveryLayer, ShuffleNetUnitMacsEqualTheHandCount) {
  Graph g;
  g.inputs = {"X"};
  value(g, "X", {kBatch, 240, 28, 28});
  weight(g, "W1", {60, 80, 1, 1});
  weight(g, "W2", {60, 1, 3, 3});
  weight(g, "W3", {240, 20, 1, 1});
  Node g1 = node("gconv1", "Conv", {"X", "W1"}, {"A"});
  g1.attrs["group"] = int64_t{3};
  value(g, "A", {kBatch, 60, 28, 28});
  weight(g, "s1", {5});
  value(g, "R1", {kBatch, 3, 20, 28, 28});
  Node shuffle = node("shuffle", "Transpose", {"R1"}, {"T1"});
  shuffle.attrs["perm"] = std::vector<int64_t>{0, 2, 1, 3, 4};
  value(g, "T1", {kBatch, 20, 3, 28, 28});
  weight(g, "s2", {4});
  value(g, "R2", {kBatch, 60, 28, 28});
  Node dw = node("dw", "Conv", {"R2", "W2"}, {"D"});
  dw.attrs["group"] = int64_t{60};
  dw.attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  value(g, "D", {kBatch, 60, 28, 28});
  Node g3 = node("gconv2", "Conv", {"D", "W3"}, {"C"});
  g3.attrs["group"] = int64_t{3};
  value(g, "C", {kBatch, 240, 28, 28});
  value(g, "Y", {kBatch, 240, 28, 28});
  g.nodes = {g1,
             node("reshape1", "Reshape", {"A", "s1"}, {"R1"}),
             shuffle,
             node("reshape2", "Reshape", {"T1", "s2"}, {"R2"}),
             dw,
             g3,
             node("add", "Add", {"C", "X"}, {"Y"})};
  g.outputs = {"Y"};
  const auto layers = layers_from_graph(g);
  const TimingReport r = estimate(layers, Hardware{}, System::kSingleIma);
  EXPECT_TRUE(r.uncosted.empty());
  const int64_t pixels = 28 * 28;
  const int64_t gconv1 = pixels * 60 * (240 / 3), dwise = pixels * 60 * 9,
                gconv2 = pixels * 240 * (60 / 3);
  EXPECT_EQ(cost(r, "gconv1").macs, gconv1);
  EXPECT_EQ(cost(r, "dw").macs, dwise);
  EXPECT_EQ(cost(r, "gconv2").macs, gconv2);
  EXPECT_EQ(layer(layers, "dw").op, LayerOp::kDepthwise);
  EXPECT_DOUBLE_EQ(r.mmac, (gconv1 + dwise + gconv2) / 1e6);  // 7.95 MMAC
  EXPECT_EQ(r.mapped_params, 60 * 80 + 60 * 9 + 240 * 20);
  EXPECT_EQ(cost(r, "reshape1").cycles, 0);
  EXPECT_GT(cost(r, "shuffle").cycles, 0);
}

}  // namespace
}  // namespace aimc::timing
