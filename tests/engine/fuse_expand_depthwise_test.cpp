// Fusing a 1x1 expansion Conv with the 3x3 depthwise Conv after it (float
// mode): the expansion node disappears, the outputs equal the unfused
// graph's bit for bit for any batch and thread count, the timing model still
// sees both layers, and pairs that cannot be fused stay.
#include "engine/passes/fuse_expand_depthwise.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "engine/executor.h"
#include "engine/kernels/float/float_expand_depthwise.h"
#include "engine/model.h"
#include "engine/passes/fuse_conv_clip.h"
#include "engine/passes/infer_shapes.h"
#include "engine/timing/graph_layers.h"

namespace aimc {
namespace {

Tensor random_tensor(Shape shape, std::mt19937& rng, float lo, float hi) {
  Tensor t(DType::kFloat32, std::move(shape));
  std::uniform_real_distribution<float> dist(lo, hi);
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

Tensor scalar(float v) {
  Tensor t(DType::kFloat32, {});
  t.data<float>()[0] = v;
  return t;
}

struct Block {
  int64_t in_c, channels, h, w, stride;
  bool expand_clip = true, expand_bias = true;
};

// X[N, in_c, H, W] -> Conv 1x1 (+ bias) [-> Clip 0..6] -> Conv 3x3 depthwise
// (stride, TF SAME padding) -> Clip 0..6 -> Y.
Graph block_graph(const Block& b) {
  std::mt19937 rng(11);
  Graph g;
  g.source = "expand_depthwise_test";
  g.opset = 13;
  g.inputs = {"X"};
  g.values["X"] = ValueInfo{DType::kFloat32, {-1, b.in_c, b.h, b.w}, std::nullopt, false};
  g.outputs = {"Y"};
  g.initializers["W0"] = random_tensor({b.channels, b.in_c, 1, 1}, rng, -1.0f, 1.0f);
  g.initializers["B0"] = random_tensor({b.channels}, rng, -0.5f, 0.5f);
  g.initializers["W1"] = random_tensor({b.channels, 1, 3, 3}, rng, -1.0f, 1.0f);
  g.initializers["B1"] = random_tensor({b.channels}, rng, -0.5f, 0.5f);
  g.initializers["lo"] = scalar(0.0f);
  g.initializers["hi"] = scalar(6.0f);
  Node expand{"expand", "Conv", {"X", "W0"}, {"e"}, {}};
  if (b.expand_bias) expand.inputs.push_back("B0");
  g.nodes.push_back(expand);
  std::string mid = "e";
  if (b.expand_clip) {
    g.nodes.push_back(Node{"expand_relu6", "Clip", {"e", "lo", "hi"}, {"ec"}, {}});
    mid = "ec";
  }
  Node dw{"depthwise", "Conv", {mid, "W1", "B1"}, {"d"}, {}};
  dw.attrs["group"] = b.channels;
  dw.attrs["strides"] = std::vector<int64_t>{b.stride, b.stride};
  dw.attrs["pads"] =
      b.stride == 1 ? std::vector<int64_t>{1, 1, 1, 1} : std::vector<int64_t>{0, 0, 1, 1};
  g.nodes.push_back(dw);
  g.nodes.push_back(Node{"relu6", "Clip", {"d", "lo", "hi"}, {"Y"}, {}});
  infer_shapes(g);
  return g;
}

ModelOptions float_mode() {
  ModelOptions o;
  o.mode = ExecMode::kFloat;
  return o;
}

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() &&
         std::memcmp(a.data<float>(), b.data<float>(), a.size() * sizeof(float)) == 0;
}

class FuseExpandDepthwise : public ::testing::TestWithParam<Block> {};

TEST_P(FuseExpandDepthwise, RemovesTheExpansionAndKeepsTheBits) {
  if (!floatk::expand_depthwise_supported()) GTEST_SKIP() << "no fused kernel in this build";
  const Block b = GetParam();
  const Graph g = block_graph(b);
  const Model fused = Model::from_graph(g, float_mode());
  ASSERT_EQ(fused.graph().nodes.size(), 1u);
  const Node& node = fused.graph().nodes[0];
  EXPECT_EQ(node.attr_int(kFusedExpand, 0), 1);
  EXPECT_EQ(node.attr_string(kFusedExpandName, ""), "expand");
  EXPECT_EQ(node.inputs.at(0), "X");
  EXPECT_EQ(node.outputs.at(0), "Y");
  EXPECT_EQ(node.has_attr(kFusedExpandClipMin), b.expand_clip);
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

INSTANTIATE_TEST_SUITE_P(Blocks, FuseExpandDepthwise,
                         ::testing::Values(Block{16, 96, 56, 56, 2}, Block{24, 144, 56, 56, 1},
                                           Block{8, 32, 28, 30, 1, false, true},
                                           Block{8, 40, 31, 29, 2, true, false},
                                           Block{5, 16, 40, 40, 1, false, false}));

// The timing model still sees the expansion as its own pointwise layer.
TEST(FuseExpandDepthwisePass, TimingKeepsBothLayers) {
  Graph g = block_graph(Block{16, 96, 28, 28, 2});
  fuse_conv_clip(g);
  const auto before = timing::layers_from_graph(g);
  ASSERT_EQ(fuse_expand_depthwise(g), 1);
  const auto after = timing::layers_from_graph(g);
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].op, before[i].op) << i;
    EXPECT_EQ(after[i].name, before[i].name) << i;
    EXPECT_EQ(after[i].in_c, before[i].in_c) << i;
    EXPECT_EQ(after[i].out_c, before[i].out_c) << i;
    EXPECT_EQ(after[i].macs(), before[i].macs()) << i;
    EXPECT_EQ(after[i].output_elements(), before[i].output_elements()) << i;
  }
}

// Shapes inferred anew after an attribute changed.
void reinfer(Graph& g) {
  for (const char* v : {"e", "d", "Y"}) g.values.erase(v);
  infer_shapes(g);
}

TEST(FuseExpandDepthwisePass, LeavesPairsItCannotFuse) {
  const Block plain{8, 32, 28, 28, 1, false, true};
  // Planes below kFuseExpandMinPositions: the expanded tensor fits in cache.
  Graph small = block_graph(Block{8, 32, 14, 14, 1, false, true});
  EXPECT_EQ(fuse_expand_depthwise(small), 0);

  Graph shared_output = block_graph(plain);
  shared_output.outputs.push_back("e");  // the expansion's output is also a graph output
  EXPECT_EQ(fuse_expand_depthwise(shared_output), 0);

  Graph two_readers = block_graph(plain);
  two_readers.nodes.push_back(Node{"relu", "Relu", {"e"}, {"R"}, {}});
  two_readers.outputs.push_back("R");
  EXPECT_EQ(fuse_expand_depthwise(two_readers), 0);

  Graph strided_expand = block_graph(plain);
  strided_expand.nodes[0].attrs["strides"] = std::vector<int64_t>{2, 2};
  reinfer(strided_expand);
  EXPECT_EQ(fuse_expand_depthwise(strided_expand), 0);

  Graph dilated = block_graph(plain);
  dilated.nodes[1].attrs["dilations"] = std::vector<int64_t>{2, 2};
  dilated.nodes[1].attrs["pads"] = std::vector<int64_t>{2, 2, 2, 2};
  reinfer(dilated);
  EXPECT_EQ(fuse_expand_depthwise(dilated), 0);

  Graph wide_pads = block_graph(plain);
  wide_pads.nodes[1].attrs["pads"] = std::vector<int64_t>{3, 3, 3, 3};
  reinfer(wide_pads);
  EXPECT_EQ(fuse_expand_depthwise(wide_pads), 0);

  Graph computed_weight = block_graph(plain);
  computed_weight.inputs.push_back("W0");
  computed_weight.values["W0"] = ValueInfo{DType::kFloat32, {32, 8, 1, 1}, std::nullopt, false};
  computed_weight.initializers.erase("W0");
  EXPECT_EQ(fuse_expand_depthwise(computed_weight), 0);

  Graph fine = block_graph(plain);
  EXPECT_EQ(fuse_expand_depthwise(fine), 1);
}

}  // namespace
}  // namespace aimc
