// Fusing MobileNetV2's inverted residual blocks in float mode: the 1x1
// expansion and the 1x1 projection (with its residual Add) become part of
// the depthwise Conv node, the outputs equal the unfused graph's bit for bit
// for any batch and thread count, the timing model still sees every layer,
// and convs that cannot be fused stay.
#include "engine/passes/fuse_depthwise_block.h"

#include <gtest/gtest.h>

#include <cstring>
#include <ostream>
#include <random>

#include "engine/executor.h"
#include "engine/kernels/float/float_depthwise_block.h"
#include "engine/model.h"
#include "engine/passes/fuse_conv_add.h"
#include "engine/passes/fuse_conv_clip.h"
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
  int64_t in_c, channels, h, w, stride;
  bool expand_clip = true, expand_bias = true;
  bool expand = true;     // else the depthwise reads X (in_c == channels)
  int64_t out_c = 0;      // a projection to out_c channels (0: none)
  bool residual = false;  // + X after the projection (in_c == out_c, stride 1)
};
// A readable case name: in16_dw96_56x56_s2_expand_clip_bias_project24.
std::string block_name(const Block& b) {
  std::string s = "in" + std::to_string(b.in_c) + "_dw" + std::to_string(b.channels) + "_" +
                  std::to_string(b.h) + "x" + std::to_string(b.w) + "_s" + std::to_string(b.stride);
  if (b.expand)
    s += std::string("_expand") + (b.expand_clip ? "_clip" : "") + (b.expand_bias ? "_bias" : "");
  if (b.out_c) s += "_project" + std::to_string(b.out_c);
  if (b.residual) s += "_residual";
  return s;
}
void PrintTo(const Block& b, std::ostream* os) { *os << block_name(b); }

// X[N, in_c, H, W] [-> Conv 1x1 (+ bias) [-> Clip 0..6]] -> Conv 3x3
// depthwise (stride, TF SAME padding) -> Clip 0..6 [-> Conv 1x1 (+ bias)
// [-> Add X]] -> Y.
Graph block_graph(const Block& b) {
  std::mt19937 rng(11);
  Graph g = image_graph("depthwise_block_test", 13, b.in_c, b.h, b.w);
  g.initializers["W0"] = random_tensor({b.channels, b.in_c, 1, 1}, rng, -1.0f, 1.0f);
  g.initializers["B0"] = random_tensor({b.channels}, rng, -0.5f, 0.5f);
  g.initializers["W1"] = random_tensor({b.channels, 1, 3, 3}, rng, -1.0f, 1.0f);
  g.initializers["B1"] = random_tensor({b.channels}, rng, -0.5f, 0.5f);
  g.initializers["W2"] = random_tensor({b.out_c, b.channels, 1, 1}, rng, -0.3f, 0.3f);
  g.initializers["B2"] = random_tensor({b.out_c}, rng, -0.5f, 0.5f);
  g.initializers["lo"] = scalar(0.0f);
  g.initializers["hi"] = scalar(6.0f);
  std::string mid = "X";
  if (b.expand) {
    Node expand{"expand", "Conv", {"X", "W0"}, {"e"}, {}};
    if (b.expand_bias) expand.inputs.push_back("B0");
    g.nodes.push_back(expand);
    mid = "e";
    if (b.expand_clip) {
      g.nodes.push_back(Node{"expand_relu6", "Clip", {"e", "lo", "hi"}, {"ec"}, {}});
      mid = "ec";
    }
  }
  Node dw{"depthwise", "Conv", {mid, "W1", "B1"}, {"d"}, {}};
  dw.attrs["group"] = b.channels;
  dw.attrs["strides"] = std::vector<int64_t>{b.stride, b.stride};
  dw.attrs["pads"] =
      b.stride == 1 ? std::vector<int64_t>{1, 1, 1, 1} : std::vector<int64_t>{0, 0, 1, 1};
  g.nodes.push_back(dw);
  const std::string relu = b.out_c ? "dc" : "Y";
  g.nodes.push_back(Node{"relu6", "Clip", {"d", "lo", "hi"}, {relu}, {}});
  if (b.out_c) {
    const std::string p = b.residual ? "p" : "Y";
    g.nodes.push_back(Node{"project", "Conv", {"dc", "W2", "B2"}, {p}, {}});
    if (b.residual) g.nodes.push_back(Node{"add", "Add", {"p", "X"}, {"Y"}, {}});
  }
  infer_shapes(g);
  return g;
}

class FuseDepthwiseBlock : public ::testing::TestWithParam<Block> {};

TEST_P(FuseDepthwiseBlock, FusesTheBlockAndKeepsTheBits) {
  if (!floatk::depthwise_block_supported()) GTEST_SKIP() << "no fused kernel in this build";
  const Block b = GetParam();
  const Graph g = block_graph(b);
  const Model fused = Model::from_graph(g, float_mode());
  ASSERT_EQ(fused.graph().nodes.size(), 1u);
  const Node& node = fused.graph().nodes[0];
  EXPECT_EQ(node.name, "depthwise");
  EXPECT_EQ(node.attr_int(kFusedExpand, 0), b.expand ? 1 : 0);
  EXPECT_EQ(node.attr_int(kFusedProject, 0), b.out_c ? 1 : 0);
  EXPECT_EQ(node.attr_int(kFusedAdd, 0), b.residual ? 1 : 0);
  EXPECT_EQ(node.attr_string(kFusedExpandName, ""), b.expand ? "expand" : "");
  EXPECT_EQ(node.attr_string(kFusedProjectName, ""), b.out_c ? "project" : "");
  EXPECT_EQ(node.inputs.at(0), "X");
  EXPECT_EQ(node.outputs.at(0), "Y");
  EXPECT_EQ(node.has_attr(kFusedExpandClipMin), b.expand && b.expand_clip);
  std::mt19937 rng(5);
  for (int64_t batch : {1, 3}) {
    for (int threads : {1, 2, 3}) {
      // A new input each run: output buffers are recycled between runs and
      // must not pass for a result.
      const Tensor x = random_tensor({batch, b.in_c, b.h, b.w}, rng, -3.0f, 3.0f);
      const Tensor expected = Executor(g).run({x}).at(0);
      RunContext ctx;
      ctx.threads = threads;
      EXPECT_TRUE(same_bits(fused.run({x}, ctx).outputs.at(0), expected))
          << "batch " << batch << " threads " << threads;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Blocks, FuseDepthwiseBlock,
                         ::testing::Values(Block{16, 96, 56, 56, 2, true, true, true, 24},
                                           Block{24, 144, 56, 56, 1, true, true, true, 24, true},
                                           Block{32, 32, 60, 60, 1, true, true, false, 16},
                                           Block{24, 144, 56, 56, 1},
                                           Block{8, 32, 28, 30, 1, false, true},
                                           Block{8, 40, 31, 29, 2, true, false, true, 5},
                                           Block{5, 16, 40, 40, 1, false, false, true, 5, true}),
                         [](const auto& info) { return block_name(info.param); });

// The timing model still sees the expansion, the depthwise, the projection
// and the Add as layers of their own, in order.
TEST(FuseDepthwiseBlockPass, TimingKeepsEveryLayer) {
  for (const Block& b : {Block{16, 96, 28, 28, 1, true, true, true, 16, true},
                         Block{16, 16, 28, 28, 2, true, true, false, 8}}) {
    Graph g = block_graph(b);
    fuse_conv_clip(g);
    fuse_conv_add(g);
    const auto before = timing::layers_from_graph(g);
    ASSERT_GT(fuse_depthwise_blocks(g), 0);
    ASSERT_EQ(g.nodes.size(), 1u);
    const auto after = timing::layers_from_graph(g);
    ASSERT_EQ(after.size(), before.size());
    for (std::size_t i = 0; i < after.size(); ++i) {
      EXPECT_EQ(after[i].op, before[i].op) << i;
      EXPECT_EQ(after[i].name, before[i].name) << i;
      EXPECT_EQ(after[i].in_c, before[i].in_c) << i;
      EXPECT_EQ(after[i].out_c, before[i].out_c) << i;
      EXPECT_EQ(after[i].stride, before[i].stride) << i;
      EXPECT_EQ(after[i].macs(), before[i].macs()) << i;
      EXPECT_EQ(after[i].output_elements(), before[i].output_elements()) << i;
    }
  }
}

// Shapes inferred anew after an attribute changed.
void reinfer(Graph& g) {
  for (const char* v : {"e", "d", "dc", "p", "Y"}) g.values.erase(v);
  infer_shapes(g);
}

int fused_convs(Graph g) {
  fuse_conv_clip(g);
  fuse_conv_add(g);
  return fuse_depthwise_blocks(g);
}

TEST(FuseDepthwiseBlockPass, LeavesConvsItCannotFuse) {
  const Block plain{8, 32, 28, 28, 1, false, true, true, 8, true};
  EXPECT_EQ(fused_convs(block_graph(plain)), 2);
  // Planes below kFuseBlockMinPositions: the tensors fit in cache.
  EXPECT_EQ(fused_convs(block_graph(Block{8, 32, 7, 7, 1, false, true, true, 8, true})), 0);
  EXPECT_EQ(fused_convs(block_graph(Block{8, 32, 14, 14, 1, false, true, true, 8, true})), 2);

  Graph shared_output = block_graph(plain);
  shared_output.outputs.push_back("e");  // the expansion's output is also a graph output
  EXPECT_EQ(fused_convs(shared_output), 1);

  Graph two_readers = block_graph(plain);
  two_readers.nodes.push_back(Node{"relu", "Relu", {"d"}, {"R"}, {}});
  two_readers.outputs.push_back("R");
  EXPECT_EQ(fused_convs(two_readers), 1);  // the expansion only

  Graph strided_expand = block_graph(Block{8, 32, 56, 56, 1, false, true, true, 8});
  strided_expand.nodes[0].attrs["strides"] = std::vector<int64_t>{2, 2};
  reinfer(strided_expand);
  EXPECT_EQ(fused_convs(strided_expand), 1);  // the projection only

  Graph dilated = block_graph(plain);
  dilated.nodes[1].attrs["dilations"] = std::vector<int64_t>{2, 2};
  dilated.nodes[1].attrs["pads"] = std::vector<int64_t>{2, 2, 2, 2};
  reinfer(dilated);
  EXPECT_EQ(fused_convs(dilated), 0);

  Graph wide_pads = block_graph(Block{8, 32, 28, 28, 1, false, true, true, 8});
  wide_pads.nodes[1].attrs["pads"] = std::vector<int64_t>{3, 3, 3, 3};
  reinfer(wide_pads);
  EXPECT_EQ(fused_convs(wide_pads), 0);

  Graph computed_weight = block_graph(plain);
  computed_weight.inputs.push_back("W0");
  computed_weight.values["W0"] = ValueInfo{DType::kFloat32, {32, 8, 1, 1}, std::nullopt, false};
  computed_weight.initializers.erase("W0");
  EXPECT_EQ(fused_convs(computed_weight), 1);  // the projection only

  // The residual is computed after the depthwise: the projection stays.
  Graph late_residual = block_graph(plain);
  late_residual.nodes.insert(late_residual.nodes.begin() + 3,
                             Node{"late", "Relu", {"X"}, {"late_x"}, {}});
  late_residual.nodes.back().inputs = {"p", "late_x"};
  reinfer(late_residual);
  EXPECT_EQ(fused_convs(late_residual), 1);
}

}  // namespace
}  // namespace aimc
