#pragma once
// Shape rules of the shape-manipulation, reduction and Resize ops that
// researchers' float models use (Shape, Gather, Unsqueeze, Squeeze, Slice,
// Split, ConstantOfShape, Cast, Expand, Dropout, Sum, Mean, ReduceSum,
// ReduceMean, ReduceMax, Resize, Upsample). infer_shapes' table hands these
// op types to infer_op_shapes through an OpShapeView.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/graph.h"

namespace aimc {

// What is statically known about one value; -1 marks an unknown dim.
struct ShapeFact {
  std::optional<DType> dtype;
  std::optional<Shape> shape;  // nullopt: not even the rank is known
};

// A rule's view of its node.
struct OpShapeView {
  const Node& node;
  int64_t opset = 0;
  std::vector<ShapeFact> inputs;  // one per node input (empty fact when omitted)
  // Values of a constant integer input, nullopt when computed at run time.
  std::function<std::optional<std::vector<int64_t>>(std::size_t)> constant_ints;
  // Throws BadInput naming the node.
  std::function<void(const std::string&)> fail;

  bool has(std::size_t i) const { return i < node.inputs.size() && !node.inputs[i].empty(); }
  [[noreturn]] void refuse(const std::string& what) const;
  // Input i's fact; an empty one for an omitted input.
  const ShapeFact& input(std::size_t i) const;
  // Refuses the node unless its first `count` inputs are given.
  void require(std::size_t count) const;
};

// The facts of the node's outputs (fewer than its outputs: the rest unknown).
std::vector<ShapeFact> infer_op_shapes(const OpShapeView& view);

}  // namespace aimc
