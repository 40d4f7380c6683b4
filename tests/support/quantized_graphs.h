#pragma once
// Small quantized graphs for the tests of the int8 forms: a builder that
// adds typed constants and nodes to a Graph, and the quantized tensors the
// tests feed and compare.
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine/graph.h"
#include "engine/tensor.h"

namespace aimc::testing {

class GraphBuilder {
 public:
  GraphBuilder(const std::string& source, Shape input_shape) {
    g_.source = source;
    g_.opset = 13;
    g_.inputs = {"X"};
    g_.values["X"] = ValueInfo{DType::kFloat32, std::move(input_shape), std::nullopt, false};
  }

  template <typename T>
  std::string constant(const std::string& name, Shape shape, const std::vector<T>& values) {
    Tensor t(dtype_of<T>(), std::move(shape));
    for (int64_t i = 0; i < t.size(); ++i) t.data<T>()[i] = values.at(values.size() == 1 ? 0 : i);
    g_.initializers[name] = std::move(t);
    return name;
  }
  std::string scale(const std::string& name, float v, Shape shape = {}) {
    return constant<float>(name, std::move(shape), {v});
  }

  void node(const std::string& op, std::vector<std::string> inputs,
            std::vector<std::string> outputs, std::map<std::string, AttrValue> attrs = {}) {
    Node n;
    n.name = op + "_" + std::to_string(g_.nodes.size());
    n.op_type = op;
    n.inputs = std::move(inputs);
    n.outputs = std::move(outputs);
    n.attrs = std::move(attrs);
    g_.nodes.push_back(std::move(n));
  }

  Graph finish(const std::string& output) {
    g_.outputs = {output};
    return g_;
  }

 private:
  Graph g_;
};

// Random int8 weights in [-127, 127] (symmetric, as quantizers write them).
inline std::vector<int8_t> random_int8(std::size_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> d(-127, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

inline std::vector<int32_t> random_int32(std::size_t n, std::mt19937& rng, int lim) {
  std::uniform_int_distribution<int> d(-lim, lim);
  std::vector<int32_t> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// Largest |a − b| in units of `step` over two float tensors of one shape.
inline double max_steps_apart(const Tensor& a, const Tensor& b, float step) {
  double worst = 0;
  for (int64_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, std::abs(double(a.data<float>()[i]) - b.data<float>()[i]) / step);
  return worst;
}

}  // namespace aimc::testing
