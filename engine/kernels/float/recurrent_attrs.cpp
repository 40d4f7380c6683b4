#include "engine/kernels/float/recurrent_attrs.h"

#include <cmath>

namespace aimc::floatk {
namespace {

std::vector<ActivationKind> default_activations(RecurrentOp op) {
  using K = ActivationKind;
  switch (op) {
    case RecurrentOp::kLstm:
      return {K::kSigmoid, K::kTanh, K::kTanh};
    case RecurrentOp::kGru:
      return {K::kSigmoid, K::kTanh};
    case RecurrentOp::kRnn:
      break;
  }
  return {K::kTanh};
}

// "[?,3,4]": unknown dims as '?', as shape inference writes them.
std::string dims_str(const Shape& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i) out += ',';
    out += s[i] < 0 ? std::string("?") : std::to_string(s[i]);
  }
  return out + "]";
}

// Matches one input's shape against `want`, whose -1 dims are free; the
// entries of `bind` (dim index, size) are filled from the input when still
// unknown, or must agree.
class ShapeChecker {
 public:
  ShapeChecker(std::span<const std::optional<Shape>> inputs, const RecurrentRefusal& refuse)
      : inputs_(inputs), refuse_(refuse) {}

  const Shape* get(std::size_t i) const {
    return i < inputs_.size() && inputs_[i] ? &*inputs_[i] : nullptr;
  }

  void expect(std::size_t i, const char* name, Shape want,
              std::initializer_list<std::pair<std::size_t, int64_t*>> bind) const {
    const Shape* s = get(i);
    if (!s) return;
    for (auto [dim, size] : bind) {
      if (dim < s->size() && (*s)[dim] >= 0 && *size < 0) *size = (*s)[dim];
      want[dim] = *size;
    }
    bool ok = s->size() == want.size();
    for (std::size_t k = 0; ok && k < want.size(); ++k) {
      ok = want[k] < 0 || (*s)[k] < 0 || want[k] == (*s)[k];
    }
    if (!ok) {
      refuse_with(refuse_, std::string("input ") + name + " has shape " + dims_str(*s) +
                               ", expected " + dims_str(want));
    }
  }

 private:
  std::span<const std::optional<Shape>> inputs_;
  const RecurrentRefusal& refuse_;
};

}  // namespace

int64_t gate_count(RecurrentOp op) {
  return op == RecurrentOp::kLstm ? 4 : op == RecurrentOp::kGru ? 3 : 1;
}

RecurrentOp recurrent_op(const std::string& op_type) {
  return op_type == "LSTM"  ? RecurrentOp::kLstm
         : op_type == "GRU" ? RecurrentOp::kGru
                            : RecurrentOp::kRnn;
}

RecurrentAttrs read_recurrent_attrs(const Node& n, const RecurrentRefusal& refuse,
                                    const std::vector<std::string>& activation_names) {
  RecurrentAttrs a;
  a.op = recurrent_op(n.op_type);
  if (!n.has_attr("hidden_size")) refuse_with(refuse, "attribute hidden_size is missing");
  a.hidden_size = n.attr_int("hidden_size", 0);
  if (a.hidden_size <= 0) {
    refuse_with(refuse, "hidden_size must be positive, got " + std::to_string(a.hidden_size));
  }
  const std::string direction = n.attr_string("direction", "forward");
  if (direction == "bidirectional") {
    a.directions = 2;
  } else if (direction == "reverse") {
    a.reverse = true;
  } else if (direction != "forward") {
    refuse_with(refuse,
                "direction must be forward, reverse or bidirectional, got '" + direction + "'");
  }
  a.layout = n.attr_int("layout", 0);
  if (a.layout != 0 && a.layout != 1) {
    refuse_with(refuse, "layout must be 0 or 1, got " + std::to_string(a.layout));
  }
  if (n.has_attr("clip")) {
    const float clip = n.attr_float("clip", 0.0f);
    if (!(clip >= 0.0f)) refuse_with(refuse, "clip must be non-negative");
    a.clip = clip;
  }
  a.activations = resolve_activations(
      activation_names.empty() ? n.attr_strings("activations") : activation_names,
      n.attr_floats("activation_alpha"), n.attr_floats("activation_beta"),
      default_activations(a.op), a.directions, refuse);
  a.linear_before_reset = n.attr_int("linear_before_reset", 0) != 0;
  a.input_forget = n.attr_int("input_forget", 0) != 0;
  return a;
}

RecurrentDims check_recurrent_inputs(const RecurrentAttrs& a,
                                     std::span<const std::optional<Shape>> inputs,
                                     const RecurrentRefusal& refuse) {
  const ShapeChecker c(inputs, refuse);
  RecurrentDims d;
  const int64_t dirs = a.directions, h = a.hidden_size, gh = gate_count(a.op) * h;
  const std::size_t seq_dim = a.layout == 0 ? 0 : 1, batch_dim = 1 - seq_dim;
  const std::size_t state_batch = a.layout == 0 ? 1 : 0;
  const Shape state = a.layout == 0 ? Shape{dirs, -1, h} : Shape{-1, dirs, h};
  // Twice: a size learnt from a later input also checks the earlier ones.
  for (int pass = 0; pass < 2; ++pass) {
    c.expect(kInX, "X", {-1, -1, -1}, {{seq_dim, &d.seq}, {batch_dim, &d.batch}, {2, &d.input}});
    c.expect(kInW, "W", {dirs, gh, -1}, {{2, &d.input}});
    c.expect(kInR, "R", {dirs, gh, h}, {});
    c.expect(kInB, "B", {dirs, 2 * gh}, {});
    c.expect(kInSequenceLens, "sequence_lens", {-1}, {{0, &d.batch}});
    c.expect(kInInitialH, "initial_h", state, {{state_batch, &d.batch}});
    if (a.op == RecurrentOp::kLstm) {
      c.expect(kInInitialC, "initial_c", state, {{state_batch, &d.batch}});
      c.expect(kInPeepholes, "P", {dirs, 3 * h}, {});
    }
  }
  return d;
}

std::vector<Shape> recurrent_output_shapes(const RecurrentAttrs& a, const RecurrentDims& d) {
  const int64_t dirs = a.directions, h = a.hidden_size;
  Shape y = a.layout == 0 ? Shape{d.seq, dirs, d.batch, h} : Shape{d.batch, d.seq, dirs, h};
  Shape state = a.layout == 0 ? Shape{dirs, d.batch, h} : Shape{d.batch, dirs, h};
  std::vector<Shape> out{y, state};
  if (a.op == RecurrentOp::kLstm) out.push_back(state);
  return out;
}

}  // namespace aimc::floatk
