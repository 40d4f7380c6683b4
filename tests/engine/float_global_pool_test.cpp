// Float GlobalAveragePool: every plane's mean is its sum in double, in
// position order, divided by the plane size, whatever the number of planes
// (blocks of interleaved planes and the rest), the batch or the threads.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <tuple>
#include <vector>

#include "engine/executor.h"
#include "engine/passes/infer_shapes.h"
#include "support/graph_tests.h"

namespace aimc {
namespace {

using testing::image_graph;

Graph pool_graph(int64_t channels, int64_t h, int64_t w) {
  Graph g = image_graph("global_pool_test", 13, channels, h, w);
  g.nodes.push_back(Node{"pool", "GlobalAveragePool", {"X"}, {"Y"}, {}});
  infer_shapes(g);
  return g;
}

TEST(FloatGlobalAveragePool, EachPlaneIsItsSumInPositionOrder) {
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> mantissa(-1.0f, 1.0f);
  std::uniform_int_distribution<int> exponent(-20, 20);
  for (const auto& [channels, h, w] :
       {std::tuple<int64_t, int64_t, int64_t>{1280, 7, 7}, {13, 5, 3}, {7, 1, 1}, {24, 9, 11}}) {
    const Executor exec(pool_graph(channels, h, w));
    for (int64_t batch : {1, 3}) {
      Tensor x(DType::kFloat32, Shape{batch, channels, h, w});
      for (int64_t i = 0; i < x.size(); ++i)
        x.data<float>()[i] = std::ldexp(mantissa(rng), exponent(rng));
      const int64_t plane = h * w;
      // A huge value and its negation first in every plane: in position
      // order they cancel before the others are added; in any other order
      // the others are lost against them.
      for (int64_t p = 0; plane > 2 && p < batch * channels; ++p) {
        x.data<float>()[p * plane] = std::ldexp(1.0f + mantissa(rng) * 0.5f, 70);
        x.data<float>()[p * plane + 1] = -x.data<float>()[p * plane];
      }
      std::vector<float> expected(batch * channels);
      for (int64_t p = 0; p < batch * channels; ++p) {
        double sum = 0.0;
        for (int64_t i = 0; i < plane; ++i) sum += x.data<float>()[p * plane + i];
        expected[p] = static_cast<float>(sum / static_cast<double>(plane));
      }
      for (int threads : {1, 2}) {
        RunContext ctx;
        ctx.threads = threads;
        const Tensor y = exec.run({x}, ctx).at(0);
        ASSERT_EQ(y.size(), batch * channels);
        EXPECT_EQ(std::memcmp(y.data<float>(), expected.data(), expected.size() * sizeof(float)), 0)
            << channels << "x" << h << "x" << w << " batch " << batch << " threads " << threads;
      }
    }
  }
}

}  // namespace
}  // namespace aimc
