// Float kernels of shape and type ops that the ONNX node tests do not reach.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include "engine/executor.h"

namespace aimc {
namespace {

// Runs one node on `inputs` and returns its first output.
Tensor run_node(const std::string& op, const std::vector<Tensor>& inputs,
                const std::map<std::string, AttrValue>& attrs) {
  Graph g;
  g.source = "float_shape_ops_test";
  g.opset = 13;
  Node n{"the_node", op, {}, {"Y"}, attrs};
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    n.inputs.push_back("X" + std::to_string(i));
    g.inputs.push_back(n.inputs.back());
  }
  g.nodes = {n};
  g.outputs = {"Y"};
  const Executor exec(g);
  return exec.run(inputs).at(0);
}

TEST(FloatShapeOps, CastConvertsTruncatesAndSaturates) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Tensor x =
      Tensor::from<float>({6}, std::vector<float>{-1.7f, 2.9f, 300.0f, -1e10f, nan, 0});
  const Tensor i8 = run_node("Cast", {x}, {{"to", int64_t{3}}});
  ASSERT_EQ(i8.dtype(), DType::kInt8);
  EXPECT_EQ(std::vector<int8_t>(i8.values<int8_t>().begin(), i8.values<int8_t>().end()),
            (std::vector<int8_t>{-1, 2, 127, -128, 0, 0}));
  const Tensor b = run_node("Cast", {x}, {{"to", int64_t{9}}});  // bool
  EXPECT_EQ(std::vector<uint8_t>(b.values<uint8_t>().begin(), b.values<uint8_t>().end()),
            (std::vector<uint8_t>{1, 1, 1, 1, 1, 0}));
  const Tensor big = Tensor::from<int64_t>({2}, std::vector<int64_t>{int64_t{1} << 40, -3});
  const Tensor f = run_node("Cast", {big}, {{"to", int64_t{1}}});
  EXPECT_EQ(f.data<float>()[0], std::ldexp(1.0f, 40));
  EXPECT_EQ(f.data<float>()[1], -3.0f);
  const Tensor i32 = run_node("Cast", {big}, {{"to", int64_t{6}}});
  EXPECT_EQ(i32.data<int32_t>()[1], -3);
}

TEST(FloatShapeOps, ShapeGatherAndConcatWorkOnInt64) {
  const Tensor x(DType::kFloat32, {4, 5, 6});
  const Tensor s = run_node("Shape", {x}, {{"start", int64_t{1}}});
  EXPECT_EQ(std::vector<int64_t>(s.values<int64_t>().begin(), s.values<int64_t>().end()),
            (std::vector<int64_t>{5, 6}));
  const Tensor idx = Tensor::from<int64_t>({}, std::vector<int64_t>{-1});
  const Tensor last = run_node("Gather", {s, idx}, {});
  EXPECT_EQ(last.rank(), 0);
  EXPECT_EQ(last.data<int64_t>()[0], 6);
}

TEST(FloatShapeOps, MatMulBroadcastsBatchDims) {
  // [2,1,2,3] x [3,3,2]: batch dims [2,1] and [3] broadcast to [2,3].
  std::vector<float> a(12), b(18);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>(i) - 5.0f;
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = 0.5f * static_cast<float>(i % 5) - 1.0f;
  const Tensor y = run_node(
      "MatMul", {Tensor::from<float>({2, 1, 2, 3}, a), Tensor::from<float>({3, 3, 2}, b)}, {});
  ASSERT_EQ(y.shape(), (Shape{2, 3, 2, 2}));
  for (int64_t i = 0; i < 2; ++i) {
    for (int64_t j = 0; j < 3; ++j) {
      for (int64_t r = 0; r < 2; ++r) {
        for (int64_t c = 0; c < 2; ++c) {
          float want = 0.0f;
          for (int64_t k = 0; k < 3; ++k) want += a[(i * 2 + r) * 3 + k] * b[(j * 3 + k) * 2 + c];
          EXPECT_FLOAT_EQ(y.data<float>()[((i * 3 + j) * 2 + r) * 2 + c], want);
        }
      }
    }
  }
}

TEST(FloatShapeOps, SliceCopiesRunsAndStrides) {
  std::vector<int64_t> v(24);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int64_t>(i);
  const auto ints = [](std::vector<int64_t> x) {
    return Tensor::from<int64_t>({static_cast<int64_t>(x.size())}, x);
  };
  const Tensor x = Tensor::from<int64_t>({2, 3, 4}, v);
  // x[:, 1:, ::-2]
  const Tensor y =
      run_node("Slice", {x, ints({1, -1}), ints({3, -5}), ints({1, 2}), ints({1, -2})}, {});
  ASSERT_EQ(y.shape(), (Shape{2, 2, 2}));
  EXPECT_EQ(std::vector<int64_t>(y.values<int64_t>().begin(), y.values<int64_t>().end()),
            (std::vector<int64_t>{7, 5, 11, 9, 19, 17, 23, 21}));
  const Tensor z = run_node("Slice", {x, ints({1}), ints({3}), ints({2})}, {});  // x[..., 1:3]
  EXPECT_EQ(std::vector<int64_t>(z.values<int64_t>().begin(), z.values<int64_t>().begin() + 4),
            (std::vector<int64_t>{1, 2, 5, 6}));
}

}  // namespace
}  // namespace aimc
