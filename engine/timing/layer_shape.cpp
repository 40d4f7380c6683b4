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
    case LayerOp::kGroupedConv:
      return "grouped";
    case LayerOp::kWindowPool:
      return "winpool";
    case LayerOp::kReduce:
      return "reduce";
    case LayerOp::kElementwise:
      return "eltwise";
    case LayerOp::kActivation:
      return "activation";
    case LayerOp::kSoftmax:
      return "softmax";
    case LayerOp::kCopy:
      return "copy";
    case LayerOp::kFree:
      return "view";
    case LayerOp::kRecurrent:
      return "recurrent";
    case LayerOp::kUncosted:
      return "uncosted";
  }
  return "?";
}

int64_t LayerShape::rows() const {
  switch (op) {
    case LayerOp::kConv:
    case LayerOp::kPointwise:
    case LayerOp::kGemm:
    case LayerOp::kGroupedConv:
      return int64_t{in_c} * kernel_h * kernel_w;
    case LayerOp::kDepthwise:
      return int64_t{out_c} * kernel_h * kernel_w;
    case LayerOp::kRecurrent:
      return int64_t{in_c} + out_c;
    default:
      return 0;
  }
}

int64_t LayerShape::cols() const {
  switch (op) {
    case LayerOp::kConv:
    case LayerOp::kPointwise:
    case LayerOp::kDepthwise:
    case LayerOp::kGemm:
    case LayerOp::kGroupedConv:
      return out_c;
    case LayerOp::kRecurrent:
      return int64_t{gates} * out_c;
    default:
      return 0;
  }
}

int64_t LayerShape::weights() const {
  switch (op) {
    case LayerOp::kDepthwise:
      return int64_t{out_c} * kernel_h * kernel_w;
    case LayerOp::kGroupedConv:
      return rows() / groups * cols();  // out_c × kh·kw·in_c/groups
    case LayerOp::kGemm:
      return constant_weights ? rows() * cols() : 0;
    case LayerOp::kRecurrent:
      return int64_t{directions} * rows() * cols();
    default:
      return rows() * cols();
  }
}

int64_t LayerShape::macs() const {
  switch (op) {
    case LayerOp::kGemm:
      return pixels() * rows() * cols();
    case LayerOp::kRecurrent:
      return int64_t{steps} * directions * rows() * cols();
    default:
      return pixels() * weights();
  }
}

}  // namespace aimc::timing
