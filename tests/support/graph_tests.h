#pragma once
// Helpers of the graph-pass tests: random float constants and inputs, scalar
// constants, a one-input graph, float-mode options and a bitwise comparison
// of tensors.
#include <cstring>
#include <random>
#include <string>

#include "engine/model.h"
#include "engine/tensor.h"

namespace aimc::testing {

// Values uniform in [lo, hi).
inline Tensor random_tensor(Shape shape, std::mt19937& rng, float lo, float hi) {
  Tensor t(DType::kFloat32, std::move(shape));
  std::uniform_real_distribution<float> dist(lo, hi);
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

inline Tensor scalar(float v) {
  Tensor t(DType::kFloat32, {});
  t.data<float>()[0] = v;
  return t;
}

// A graph with one float input X[batch, channels, h, w] (batch left open)
// and one output Y, for the test to add its nodes and constants to.
inline Graph image_graph(std::string source, int64_t opset, int64_t channels, int64_t h,
                         int64_t w) {
  Graph g;
  g.source = std::move(source);
  g.opset = opset;
  g.inputs = {"X"};
  g.values["X"] = ValueInfo{DType::kFloat32, {-1, channels, h, w}, std::nullopt, false};
  g.outputs = {"Y"};
  return g;
}

inline ModelOptions float_mode() {
  ModelOptions o;
  o.mode = ExecMode::kFloat;
  return o;
}

// Same shape and the same float bits.
inline bool same_bits(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() &&
         std::memcmp(a.data<float>(), b.data<float>(), a.size() * sizeof(float)) == 0;
}

}  // namespace aimc::testing
