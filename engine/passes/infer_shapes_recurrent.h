#pragma once
// Shape inference of the ONNX recurrent operators LSTM, GRU and RNN, called
// from the rule table of engine/passes/infer_shapes.cpp.
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/graph.h"

namespace aimc {

// The shapes of the node's outputs Y, Y_h (and Y_c for LSTM), -1 where the
// sequence length or the batch is unknown, from its inputs' shapes (nullopt:
// omitted or unknown). Contradicting attributes or shapes are passed to
// `refuse`, which must throw.
std::vector<Shape> infer_recurrent_shapes(const Node& n,
                                          std::span<const std::optional<Shape>> inputs,
                                          const std::function<void(const std::string&)>& refuse);

// The same for ONNX Runtime's com.microsoft.DynamicQuantizeLSTM
// (engine/kernels/int8/qdynamic_lstm.h): Y, Y_h, Y_c, refusing what its
// kernel does not support.
std::vector<Shape> infer_dynamic_lstm_shapes(const Node& n,
                                             std::span<const std::optional<Shape>> inputs,
                                             const std::function<void(const std::string&)>& refuse);

}  // namespace aimc
