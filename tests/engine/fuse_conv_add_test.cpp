// Fusing Conv -> Add (a residual connection) in float mode: the Add node
// disappears and the outputs equal the unfused graph's bit for bit, for a
// pointwise conv (added as each tile is stored), a depthwise and a 3x3 conv
// (added after), with or without a fused clip and with the conv on either
// side of the Add; pairs that cannot be fused stay.
#include "engine/passes/fuse_conv_add.h"

#include <gtest/gtest.h>

#include <cstring>
#include <ostream>
#include <random>

#include "engine/executor.h"
#include "engine/model.h"
#include "engine/passes/infer_shapes.h"
#include "engine/timing/graph_layers.h"
#include "support/graph_tests.h"

namespace aimc {
namespace {

using testing::float_mode;
using testing::image_graph;
using testing::random_tensor;
using testing::same_bits;
using testing::scalar;

struct Block {
  int64_t kernel, group;
  bool clip;        // a Clip(0, 6) between the conv and the Add
  bool conv_first;  // Add(conv, residual) or Add(residual, conv)
  bool bias = true;
};
// A readable case name: k1_g1_clip_conv_first_bias.
std::string block_name(const Block& b) {
  return "k" + std::to_string(b.kernel) + "_g" + std::to_string(b.group) + (b.clip ? "_clip" : "") +
         (b.conv_first ? "_conv_first" : "_residual_first") + (b.bias ? "_bias" : "_no_bias");
}
void PrintTo(const Block& b, std::ostream* os) { *os << block_name(b); }

constexpr int64_t kChannels = 16;

// X[N, 16, H, W] -> Conv 1x1 -> r; r -> Conv (kernel, group) [-> Clip] -> c;
// Add(c, r) -> Y: the residual r is computed before the conv that is fused.
Graph residual_graph(const Block& b, int64_t h, int64_t w) {
  std::mt19937 rng(7);
  Graph g = image_graph("conv_add_test", 13, kChannels, h, w);
  g.initializers["W0"] = random_tensor({kChannels, kChannels, 1, 1}, rng, -1.0f, 1.0f);
  g.initializers["W1"] =
      random_tensor({kChannels, kChannels / b.group, b.kernel, b.kernel}, rng, -1.0f, 1.0f);
  g.initializers["B1"] = random_tensor({kChannels}, rng, -0.5f, 0.5f);
  Node first{"first", "Conv", {"X", "W0"}, {"r"}, {}};
  Node conv{"conv", "Conv", {"r", "W1"}, {"c"}, {}};
  if (b.bias) conv.inputs.push_back("B1");
  const int64_t pad = b.kernel / 2;
  conv.attrs["pads"] = std::vector<int64_t>{pad, pad, pad, pad};
  conv.attrs["group"] = b.group;
  g.nodes = {first, conv};
  std::string sum_in = "c";
  if (b.clip) {
    g.initializers["lo"] = scalar(0.0f);
    g.initializers["hi"] = scalar(6.0f);
    g.nodes.push_back(Node{"clip", "Clip", {"c", "lo", "hi"}, {"cc"}, {}});
    sum_in = "cc";
  }
  g.nodes.push_back(b.conv_first ? Node{"add", "Add", {sum_in, "r"}, {"Y"}, {}}
                                 : Node{"add", "Add", {"r", sum_in}, {"Y"}, {}});
  infer_shapes(g);
  return g;
}

class FuseConvAdd : public ::testing::TestWithParam<Block> {};

TEST_P(FuseConvAdd, RemovesTheAddAndKeepsTheBits) {
  const Block b = GetParam();
  // 9x9 planes, and 40x40 ones (several column tiles per image).
  for (const auto& [h, w] : {std::pair<int64_t, int64_t>{9, 9}, {40, 40}}) {
    const Graph g = residual_graph(b, h, w);
    std::mt19937 rng(3);
    const Model fused = Model::from_graph(g, float_mode());
    ASSERT_EQ(fused.graph().nodes.size(), 2u);
    const Node& conv = fused.graph().nodes[1];
    EXPECT_EQ(conv.op_type, "Conv");
    EXPECT_EQ(conv.outputs.at(0), "Y");
    EXPECT_EQ(conv.attr_int(kFusedAdd, 0), 1);
    ASSERT_EQ(conv.inputs.size(), kFusedAddInput + 1);
    EXPECT_EQ(conv.inputs[kFusedAddInput], "r");
    for (int64_t batch : {1, 3}) {
      for (int threads : {1, 2}) {
        // A new input each run: output buffers are recycled between runs and
        // must not pass for a result.
        const Tensor x = random_tensor({batch, kChannels, h, w}, rng, -4.0f, 4.0f);
        const Tensor expected = Executor(g).run({x}).at(0);
        RunContext ctx;
        ctx.threads = threads;
        EXPECT_TRUE(same_bits(fused.run({x}, ctx).outputs.at(0), expected))
            << "kernel " << b.kernel << " group " << b.group << " clip " << b.clip << " plane " << h
            << " batch " << batch << " threads " << threads;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(ConvKinds, FuseConvAdd,
                         ::testing::Values(Block{1, 1, false, true}, Block{1, 1, false, false},
                                           Block{1, 1, true, true}, Block{1, 1, false, true, false},
                                           Block{3, kChannels, false, true},
                                           Block{3, kChannels, true, false},
                                           Block{3, 1, false, true}, Block{1, 2, false, true}),
                         [](const auto& info) { return block_name(info.param); });

// The timing model still sees the residual Add as its own layer.
TEST(FuseConvAddPass, TimingKeepsTheAddLayer) {
  Graph g = residual_graph(Block{1, 1, false, true}, 8, 8);
  const auto before = timing::layers_from_graph(g);
  ASSERT_EQ(fuse_conv_add(g), 1);
  const auto after = timing::layers_from_graph(g);
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].op, before[i].op) << i;
    EXPECT_EQ(after[i].name, before[i].name) << i;
    EXPECT_EQ(after[i].output_elements(), before[i].output_elements()) << i;
  }
}

TEST(FuseConvAddPass, LeavesPairsItCannotFuse) {
  const Block plain{1, 1, false, true};
  Graph shared_output = residual_graph(plain, 8, 8);
  shared_output.outputs.push_back("c");  // the conv output is also a graph output
  EXPECT_EQ(fuse_conv_add(shared_output), 0);

  Graph two_readers = residual_graph(plain, 8, 8);
  two_readers.nodes.push_back(Node{"relu", "Relu", {"c"}, {"R"}, {}});
  two_readers.outputs.push_back("R");
  EXPECT_EQ(fuse_conv_add(two_readers), 0);

  // The other operand is a constant (it could broadcast).
  Graph constant = residual_graph(plain, 8, 8);
  std::mt19937 rng(1);
  constant.initializers["K"] = random_tensor({1, kChannels, 8, 8}, rng, -1.0f, 1.0f);
  constant.nodes.back().inputs = {"c", "K"};
  EXPECT_EQ(fuse_conv_add(constant), 0);

  // The other operand broadcasts ([N, 16, 1, 1] against [N, 16, 8, 8]).
  Graph broadcast = residual_graph(plain, 8, 8);
  broadcast.nodes.insert(broadcast.nodes.begin() + 1,
                         Node{"pool", "GlobalAveragePool", {"r"}, {"p"}, {}});
  broadcast.nodes.back().inputs = {"c", "p"};
  infer_shapes(broadcast);
  EXPECT_EQ(fuse_conv_add(broadcast), 0);

  // The other operand is computed after the conv.
  Graph later = residual_graph(plain, 8, 8);
  later.nodes.insert(later.nodes.end() - 1, Node{"relu", "Relu", {"r"}, {"n"}, {}});
  later.nodes.back().inputs = {"c", "n"};
  infer_shapes(later);
  EXPECT_EQ(fuse_conv_add(later), 0);

  Graph fine = residual_graph(plain, 8, 8);
  EXPECT_EQ(fuse_conv_add(fine), 1);
}

}  // namespace
}  // namespace aimc
