#include "engine/timing/layer_shape.h"

namespace aimc::timing {

std::string layer_op_name(LayerOp op) {
  switch (op) {
    case LayerOp::kConv:
      return "conv";
    case LayerOp::kPointwise:
      return "pointwise";
    case LayerOp::kDepthwise:
      return "depthwise";
    case LayerOp::kGemm:
      return "gemm";
    case LayerOp::kAdd:
      return "add";
    case LayerOp::kPool:
      return "pool";
  }
  return "?";
}

int64_t LayerShape::rows() const {
  switch (op) {
    case LayerOp::kConv:
    case LayerOp::kPointwise:
    case LayerOp::kGemm:
      return int64_t{in_c} * kernel_h * kernel_w;
    case LayerOp::kDepthwise:
      return int64_t{out_c} * kernel_h * kernel_w;
    default:
      return 0;
  }
}

int64_t LayerShape::cols() const { return op == LayerOp::kAdd || op == LayerOp::kPool ? 0 : out_c; }

int64_t LayerShape::weights() const {
  if (op == LayerOp::kDepthwise) return int64_t{out_c} * kernel_h * kernel_w;
  return rows() * cols();
}

int64_t LayerShape::macs() const {
  if (op == LayerOp::kAdd || op == LayerOp::kPool) return 0;
  return pixels() * weights();
}

}  // namespace aimc::timing
