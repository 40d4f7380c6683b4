#pragma once
// The attributes and input shapes of the ONNX recurrent operators LSTM, GRU
// and RNN (opsets 7 and 14), read and checked once for both the kernels and
// shape inference, so a model is refused at load time for what a run would
// refuse later.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/graph.h"
#include "engine/kernels/float/recurrent_activations.h"

namespace aimc::floatk {

enum class RecurrentOp { kRnn, kGru, kLstm };

// Gate blocks of W and R: LSTM iofc, GRU zrh, RNN one.
int64_t gate_count(RecurrentOp op);
// The op of a node type "LSTM", "GRU" or "RNN".
RecurrentOp recurrent_op(const std::string& op_type);

// Input positions, common to the three ops (P is LSTM only).
enum RecurrentInput : std::size_t {
  kInX,
  kInW,
  kInR,
  kInB,
  kInSequenceLens,
  kInInitialH,
  kInInitialC,
  kInPeepholes
};

struct RecurrentAttrs {
  RecurrentOp op = RecurrentOp::kRnn;
  int64_t hidden_size = 0;
  int directions = 1;
  bool reverse = false;  // the single direction walks time backwards
  // 0: X [seq, batch, input], Y [seq, dir, batch, hidden], states [dir, batch, hidden];
  // 1: X [batch, seq, input], Y [batch, seq, dir, hidden], states [batch, dir, hidden].
  int64_t layout = 0;
  std::optional<float> clip;  // bound of every activation's input
  // The functions of each direction in turn (LSTM f g h, GRU f g, RNN f).
  std::vector<Activation> activations;
  bool linear_before_reset = false;  // GRU
  bool input_forget = false;         // LSTM: f = 1 - i

  // Whether direction d runs backwards in time.
  bool backwards(int d) const { return directions == 2 ? d == 1 : reverse; }
};

// Reads a node's attributes. `activation_names`, when not empty, stands in
// for the node's `activations` (tests set functions this way); the node's
// own list, or else the op's defaults, otherwise.
RecurrentAttrs read_recurrent_attrs(const Node& n, const RecurrentRefusal& refuse,
                                    const std::vector<std::string>& activation_names = {});

// Sizes found in the inputs; -1 where no input says.
struct RecurrentDims {
  int64_t seq = -1, batch = -1, input = -1;
};

// Checks input shapes (nullopt: omitted or unknown; -1: an unknown dim)
// against the attributes and each other.
RecurrentDims check_recurrent_inputs(const RecurrentAttrs& a,
                                     std::span<const std::optional<Shape>> inputs,
                                     const RecurrentRefusal& refuse);

// Shapes of Y, Y_h and, for LSTM, Y_c (-1 where a dim is unknown).
std::vector<Shape> recurrent_output_shapes(const RecurrentAttrs& a, const RecurrentDims& d);

}  // namespace aimc::floatk
