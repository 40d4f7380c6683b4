// Fusing Conv -> Clip (ReLU6) in float mode: the Clip node disappears and the
// outputs equal the unfused graph's bit for bit (same sums, same clip), for a
// pointwise, an im2col (3x3 strided) and a depthwise conv, with bounds given
// as inputs (opset >= 11) or attributes (opset 6); unfusable pairs stay.
#include "engine/passes/fuse_conv_clip.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <ostream>
#include <random>

#include "engine/executor.h"
#include "engine/model.h"
#include "support/graph_tests.h"

namespace aimc {
namespace {

using testing::float_mode;
using testing::image_graph;
using testing::random_tensor;
using testing::same_bits;
using testing::scalar;

struct ConvShape {
  int64_t in_c, out_c, kernel, stride, group;
};
void PrintTo(const ConvShape& s, std::ostream* os) {
  *os << s.in_c << "to" << s.out_c << "_k" << s.kernel << "_s" << s.stride << "_g" << s.group;
}

// X[2, in_c, 9, 9] -> Conv -> c -> Clip(0, 6) -> Y.
Graph conv_clip_graph(const ConvShape& s, int64_t opset) {
  std::mt19937 rng(11);
  Graph g = image_graph("conv_clip_test", opset, s.in_c, 9, 9);
  g.initializers["W"] =
      random_tensor({s.out_c, s.in_c / s.group, s.kernel, s.kernel}, rng, -1.0f, 1.0f);
  g.initializers["B"] = random_tensor({s.out_c}, rng, -0.5f, 0.5f);
  Node conv{"conv", "Conv", {"X", "W", "B"}, {"c"}, {}};
  const int64_t pad = s.kernel / 2;
  conv.attrs["pads"] = std::vector<int64_t>{pad, pad, pad, pad};
  conv.attrs["strides"] = std::vector<int64_t>{s.stride, s.stride};
  conv.attrs["group"] = s.group;
  Node clip{"clip", "Clip", {"c"}, {"Y"}, {}};
  if (opset >= 11) {
    g.initializers["lo"] = scalar(0.0f);
    g.initializers["hi"] = scalar(6.0f);
    clip.inputs = {"c", "lo", "hi"};
  } else {
    clip.attrs["min"] = 0.0f;
    clip.attrs["max"] = 6.0f;
  }
  g.nodes = {conv, clip};
  return g;
}

class FuseConvClip : public ::testing::TestWithParam<std::pair<ConvShape, int64_t>> {};

TEST_P(FuseConvClip, RemovesTheClipAndKeepsTheBits) {
  const auto [shape, opset] = GetParam();
  const Graph g = conv_clip_graph(shape, opset);
  std::mt19937 rng(3);
  const Tensor x = random_tensor({2, shape.in_c, 9, 9}, rng, -4.0f, 4.0f);
  const Tensor expected = Executor(g).run({x}).at(0);

  const Model fused = Model::from_graph(g, float_mode());
  ASSERT_EQ(fused.graph().nodes.size(), 1u);
  const Node& conv = fused.graph().nodes[0];
  EXPECT_EQ(conv.outputs.at(0), "Y");
  EXPECT_EQ(conv.attr_float(kFusedClipMin, -1.0f), 0.0f);
  EXPECT_EQ(conv.attr_float(kFusedClipMax, -1.0f), 6.0f);
  EXPECT_EQ(fused.graph().values.count("c"), 0u);
  for (int threads : {1, 2}) {
    RunContext ctx;
    ctx.threads = threads;
    const Tensor actual = fused.run({x}, ctx).outputs.at(0);
    EXPECT_TRUE(same_bits(actual, expected)) << "threads " << threads;
    // The clip really ran: values are inside [0, 6] and both bounds are hit.
    const auto v = actual.values<float>();
    EXPECT_EQ(*std::min_element(v.begin(), v.end()), 0.0f);
    EXPECT_EQ(*std::max_element(v.begin(), v.end()), 6.0f);
  }
}

INSTANTIATE_TEST_SUITE_P(
    ConvKinds, FuseConvClip,
    ::testing::Values(std::pair{ConvShape{24, 40, 1, 1, 1}, int64_t{13}},   // pointwise GEMM
                      std::pair{ConvShape{3, 16, 3, 2, 1}, int64_t{13}},    // im2col GEMM
                      std::pair{ConvShape{32, 32, 3, 1, 32}, int64_t{13}},  // depthwise
                      std::pair{ConvShape{32, 32, 3, 2, 32}, int64_t{6}},   // attributes
                      std::pair{ConvShape{8, 16, 3, 1, 2}, int64_t{6}}),    // grouped
    [](const auto& info) {
      const ConvShape& s = info.param.first;
      return std::to_string(s.in_c) + "to" + std::to_string(s.out_c) + "_k" +
             std::to_string(s.kernel) + "_s" + std::to_string(s.stride) + "_g" +
             std::to_string(s.group) + "_opset" + std::to_string(info.param.second);
    });

TEST(FuseConvClipPass, LeavesPairsItCannotFuse) {
  Graph shared_output = conv_clip_graph({8, 8, 1, 1, 1}, 13);
  shared_output.outputs.push_back("c");  // the conv output is also a graph output
  EXPECT_EQ(fuse_conv_clip(shared_output), 0);

  Graph two_readers = conv_clip_graph({8, 8, 1, 1, 1}, 13);
  two_readers.nodes.push_back(Node{"relu", "Relu", {"c"}, {"R"}, {}});
  two_readers.outputs.push_back("R");
  EXPECT_EQ(fuse_conv_clip(two_readers), 0);

  Graph computed_bound = conv_clip_graph({8, 8, 1, 1, 1}, 13);
  computed_bound.initializers.erase("hi");
  computed_bound.inputs.push_back("hi");  // the bound arrives at run time
  EXPECT_EQ(fuse_conv_clip(computed_bound), 0);

  Graph fine = conv_clip_graph({8, 8, 1, 1, 1}, 13);
  EXPECT_EQ(fuse_conv_clip(fine), 1);
}

}  // namespace
}  // namespace aimc
