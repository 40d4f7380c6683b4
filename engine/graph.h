#pragma once
// The graph IR: an ONNX-shaped dataflow graph (nodes name their input and
// output values) plus what aimc adds on top: quantization parameters per
// value and, for lowered integer ops, the layout of activations.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/placement.h"
#include "engine/tensor.h"

namespace aimc {

using AttrValue = std::variant<int64_t, float, std::string, std::vector<int64_t>,
                               std::vector<float>, Tensor, std::vector<std::string>>;

struct Node {
  std::string name;
  std::string op_type;              // ONNX op type, or an aimc integer op ("QConv", ...)
  std::vector<std::string> inputs;  // "" marks an omitted optional input
  std::vector<std::string> outputs;
  std::map<std::string, AttrValue> attrs;
  // Where the layer runs (engine/passes/place.h); every node has one after
  // the placement pass, cores before it.
  NodePlacement placement = {};

  bool has_attr(const std::string& key) const { return attrs.count(key) != 0; }
  int64_t attr_int(const std::string& key, int64_t fallback) const;
  float attr_float(const std::string& key, float fallback) const;
  std::string attr_string(const std::string& key, const std::string& fallback) const;
  std::vector<int64_t> attr_ints(const std::string& key,
                                 const std::vector<int64_t>& fallback = {}) const;
  std::vector<float> attr_floats(const std::string& key) const;
  // A list of strings (ONNX STRINGS, e.g. a recurrent node's `activations`); empty when absent.
  std::vector<std::string> attr_strings(const std::string& key) const;
  const Tensor& attr_tensor(const std::string& key) const;
  // "node 'name' (Op)" for error messages.
  std::string label() const;
};

// Affine quantization real = scale * (q - zero_point); per-tensor when the
// vectors have one element, else per-channel along `axis`.
struct QuantParams {
  std::vector<float> scale;
  std::vector<int32_t> zero_point;
  int axis = -1;
  DType dtype = DType::kInt8;

  float scale0() const { return scale.at(0); }
  int32_t zero_point0() const { return zero_point.empty() ? 0 : zero_point.at(0); }
};

struct ValueInfo {
  DType dtype = DType::kFloat32;
  Shape shape;  // -1 for a dimension unknown until run time (the batch)
  std::optional<QuantParams> quant;
  bool nhwc = false;  // rank-4 integer activations are stored NHWC
};

struct Graph {
  std::vector<Node> nodes;  // topologically sorted
  std::map<std::string, Tensor> initializers;
  std::vector<std::string> inputs;  // graph inputs that are not initializers
  std::vector<std::string> outputs;
  std::map<std::string, ValueInfo> values;
  int64_t opset = 0;
  std::string source;  // file the graph came from, for messages

  bool is_initializer(const std::string& name) const { return initializers.count(name) != 0; }
  const Tensor* initializer(const std::string& name) const;
  // Index of the node producing `value`, or -1 for graph inputs/initializers.
  int producer(const std::string& value) const;
  std::vector<int> consumers(const std::string& value) const;
};

}  // namespace aimc
