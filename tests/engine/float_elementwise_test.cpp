// Same-shape float Add: with fewer images than threads each thread takes a
// band of positions of every plane, else a contiguous range; either way
// every element is a[i] + b[i], for any thread count.
#include <gtest/gtest.h>

#include <random>

#include "engine/executor.h"

namespace aimc {
namespace {

Tensor random_tensor(Shape shape, std::mt19937& rng) {
  Tensor t(DType::kFloat32, std::move(shape));
  std::uniform_real_distribution<float> dist(-3.0f, 3.0f);
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

TEST(FloatAdd, EveryElementForAnyThreadCountAndBatch) {
  Graph g;
  g.source = "float_add_test";
  g.opset = 13;
  g.inputs = {"A", "B"};
  g.outputs = {"Y"};
  g.nodes = {Node{"add", "Add", {"A", "B"}, {"Y"}, {}}};
  const Executor exec(g);
  std::mt19937 rng(9);
  // Planes of 71 x 73 (not a multiple of any thread count), 1 and 3 images;
  // rank 3 and rank 2 (no planes) too.
  for (const Shape& shape :
       {Shape{1, 8, 71, 73}, Shape{3, 8, 71, 73}, Shape{1, 40, 1001}, Shape{50, 1000}}) {
    for (int threads : {1, 2, 3}) {
      // New operands each run: the output buffer is recycled from the last
      // run and must not pass for a result.
      const Tensor a = random_tensor(shape, rng), b = random_tensor(shape, rng);
      RunContext ctx;
      ctx.threads = threads;
      const Tensor y = exec.run({a, b}, ctx).at(0);
      ASSERT_EQ(y.shape(), shape);
      int64_t wrong = 0;
      for (int64_t i = 0; i < y.size(); ++i)
        wrong += y.data<float>()[i] != a.data<float>()[i] + b.data<float>()[i];
      EXPECT_EQ(wrong, 0) << shape_str(shape) << " threads " << threads;
    }
  }
}

}  // namespace
}  // namespace aimc
