#pragma once
// What the timing model needs of a layer: its kind and shapes, no weights.
// Produced from a programmatic spec (models/) or from a loaded graph,
// with the placement the placement pass gave it.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/placement.h"

namespace aimc::timing {

enum class LayerOp {
  kConv,
  kPointwise,
  kDepthwise,
  kGemm,  // Gemm and MatMul: `pixels()` rows of one image, each a job
  kAdd,
  kPool,         // global pooling: per input element
  kGroupedConv,  // groups > 1, not depthwise: block-diagonal, `groups` blocks
  kWindowPool,   // MaxPool, AveragePool (and windowed ops): per output element × window
  kReduce,       // Reduce*: per input element (`elements`)
  kElementwise,  // per element (`elements`) at the add rate
  kActivation,   // per element: a transcendental function or a division in software
  kSoftmax,      // per element
  kCopy,         // per element moved (Transpose, Concat, Pad, Slice, Gather, ...)
  kFree,         // a view of the same bytes or a conversion at the model's borders
  kRecurrent,    // LSTM, GRU, RNN: `steps` serial steps per direction
  kUncosted,     // listed with its `reason`, not costed
};

std::string layer_op_name(LayerOp op);

struct LayerShape {
  std::string name;
  LayerOp op = LayerOp::kConv;
  int in_c = 0, out_c = 0;
  int kernel_h = 1, kernel_w = 1, stride = 1;
  int in_h = 1, in_w = 1, out_h = 1, out_w = 1;
  // Where it runs (engine/passes/place.h): the unit the model costs it on.
  NodePlacement placement = {};
  // kGroupedConv: the group count (in_c and out_c are the whole layer's).
  int groups = 1;
  // kReduce .. kCopy: the elements of one image the op reads or writes.
  int64_t elements = 0;
  // kRecurrent: in_c is the input size, out_c the hidden size; gates of
  // hidden outputs each (LSTM 4, GRU 3, RNN 1).
  int steps = 1, directions = 1, gates = 1;
  // kGemm: false for a product of two activations (no weights to map).
  bool constant_weights = true;
  // The op column where the kind groups many ops ("maxpool", "softmax");
  // empty: layer_op_name(op).
  std::string label;
  std::string reason;  // kUncosted: why

  int64_t pixels() const { return int64_t{out_h} * out_w; }
  // Crossbar matrix of the layer: K rows × N columns (a depthwise or grouped
  // layer's is block-diagonal, K = kh·kw·C, N = C_out; a recurrent layer's
  // is its input and recurrent matrices stacked, K = input + hidden).
  int64_t rows() const;
  int64_t cols() const;
  int64_t weights() const;  // parameters without biases
  int64_t macs() const;
  int64_t output_elements() const { return pixels() * out_c; }
  std::string op_label() const { return label.empty() ? layer_op_name(op) : label; }
};

}  // namespace aimc::timing
