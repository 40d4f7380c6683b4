#pragma once
// What the timing model needs of a layer: its kind and shapes, no weights.
// Produced from a programmatic spec (models/) or from a loaded graph,
// with the placement the placement pass gave it.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/placement.h"

namespace aimc::timing {

enum class LayerOp { kConv, kPointwise, kDepthwise, kGemm, kAdd, kPool };

std::string layer_op_name(LayerOp op);

struct LayerShape {
  std::string name;
  LayerOp op = LayerOp::kConv;
  int in_c = 0, out_c = 0;
  int kernel_h = 1, kernel_w = 1, stride = 1;
  int in_h = 1, in_w = 1, out_h = 1, out_w = 1;
  // Where it runs (engine/passes/place.h): the unit the model costs it on.
  NodePlacement placement = {};

  int64_t pixels() const { return int64_t{out_h} * out_w; }
  // Crossbar matrix of the layer: K rows × N columns (a depthwise layer's
  // is block-diagonal, K = kh·kw·C, N = C).
  int64_t rows() const;
  int64_t cols() const;
  int64_t weights() const;  // parameters without biases
  int64_t macs() const;
  int64_t output_elements() const { return pixels() * out_c; }
};

}  // namespace aimc::timing
