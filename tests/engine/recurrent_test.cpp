// LSTM, GRU and RNN against a plain scalar loop written here from the ONNX
// equations, one sequence at a time in double precision: both directions,
// per-sequence lengths, initial states, both layouts, peepholes,
// input_forget, linear_before_reset, explicit activations and clip. Also:
// a sequence's result does not depend on the batch around it, nor on the
// thread count; bad attributes are refused naming the node.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "engine/error.h"
#include "engine/kernels/float/recurrent_kernel.h"
#include "engine/model.h"
#include "engine/onnx_import.h"
#include "support/graph_tests.h"

namespace aimc {
namespace {

using floatk::RecurrentAttrs;

struct Case {
  std::string op = "LSTM";  // LSTM, GRU or RNN
  int64_t seq = 4, batch = 3, input = 5, hidden = 3;
  std::string direction = "forward";
  int64_t layout = 0;
  bool bias = true, initial = false, peepholes = false;
  std::vector<int32_t> lengths;  // empty: no sequence_lens
  std::optional<float> clip;
  bool linear_before_reset = false, input_forget = false;
  std::vector<std::string> activations;
  std::vector<float> alphas, betas;

  int64_t dirs() const { return direction == "bidirectional" ? 2 : 1; }
  int64_t gates() const { return op == "LSTM" ? 4 : op == "GRU" ? 3 : 1; }
  Shape x_shape() const {
    return layout == 0 ? Shape{seq, batch, input} : Shape{batch, seq, input};
  }
  Shape state_shape() const {
    return layout == 0 ? Shape{dirs(), batch, hidden} : Shape{batch, dirs(), hidden};
  }
  Shape y_shape() const {
    return layout == 0 ? Shape{seq, dirs(), batch, hidden} : Shape{batch, seq, dirs(), hidden};
  }
};

// The node's inputs, in ONNX order; an empty tensor for an omitted one.
struct Inputs {
  Tensor x, w, r, b, lens, h0, c0, p;
};

Inputs make_inputs(const Case& c, unsigned seed) {
  std::mt19937 rng(seed);
  const int64_t gh = c.gates() * c.hidden;
  Inputs in;
  in.x = testing::random_tensor(c.x_shape(), rng, -1.0f, 1.0f);
  in.w = testing::random_tensor({c.dirs(), gh, c.input}, rng, -0.8f, 0.8f);
  in.r = testing::random_tensor({c.dirs(), gh, c.hidden}, rng, -0.8f, 0.8f);
  if (c.bias) in.b = testing::random_tensor({c.dirs(), 2 * gh}, rng, -0.5f, 0.5f);
  if (!c.lengths.empty()) {
    in.lens = Tensor::from<int32_t>({c.batch}, c.lengths);
  }
  if (c.initial) {
    in.h0 = testing::random_tensor(c.state_shape(), rng, -1.0f, 1.0f);
    if (c.op == "LSTM") in.c0 = testing::random_tensor(c.state_shape(), rng, -1.0f, 1.0f);
  }
  if (c.peepholes) in.p = testing::random_tensor({c.dirs(), 3 * c.hidden}, rng, -0.5f, 0.5f);
  return in;
}

// ---- the reference: the ONNX equations, one sequence at a time --------------

double activation(const std::string& name, double x, double alpha, double beta) {
  std::string n = name;
  for (char& ch : n) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (n == "relu") return std::max(x, 0.0);
  if (n == "tanh") return std::tanh(x);
  if (n == "sigmoid") return 1.0 / (1.0 + std::exp(-x));
  if (n == "affine") return alpha * x + beta;
  if (n == "leakyrelu") return x >= 0 ? x : alpha * x;
  if (n == "thresholdedrelu") return x >= alpha ? x : 0.0;
  if (n == "scaledtanh") return alpha * std::tanh(beta * x);
  if (n == "hardsigmoid") return std::min(std::max(alpha * x + beta, 0.0), 1.0);
  if (n == "elu") return x >= 0 ? x : alpha * (std::exp(x) - 1.0);
  if (n == "softsign") return x / (1.0 + std::fabs(x));
  if (n == "softplus") return std::log(1.0 + std::exp(x));
  ADD_FAILURE() << "no reference for " << name;
  return 0.0;
}

struct RefFn {
  std::string name;
  double alpha = 0, beta = 0;
  double operator()(double x) const { return activation(name, x, alpha, beta); }
};

// The functions of direction d; alpha and beta go, in order, to the
// functions that take them (every case lists one for each).
std::vector<RefFn> ref_functions(const Case& c, int64_t d) {
  std::vector<std::string> names = c.activations;
  if (names.empty()) {
    names = c.op == "LSTM"  ? std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"}
            : c.op == "GRU" ? std::vector<std::string>{"Sigmoid", "Tanh"}
                            : std::vector<std::string>{"Tanh"};
  }
  const std::size_t per = c.op == "LSTM" ? 3 : c.op == "GRU" ? 2 : 1;
  std::vector<RefFn> all;
  std::size_t ai = 0, bi = 0;
  const auto takes = [](const std::string& name, std::initializer_list<const char*> set) {
    return std::any_of(set.begin(), set.end(), [&](const char* s) { return name == s; });
  };
  for (const auto& name : names) {
    RefFn f{name};
    if (ai < c.alphas.size() && takes(name, {"Affine", "LeakyRelu", "ThresholdedRelu", "ScaledTanh",
                                             "HardSigmoid", "Elu"})) {
      f.alpha = c.alphas[ai++];
    }
    if (bi < c.betas.size() && takes(name, {"Affine", "ScaledTanh", "HardSigmoid"})) {
      f.beta = c.betas[bi++];
    }
    all.push_back(f);
  }
  if (all.size() == per) return all;
  return {all.begin() + d * per, all.begin() + (d + 1) * per};
}

struct Outputs {
  std::vector<double> y, yh, yc;
};

class Reference {
 public:
  Reference(const Case& c, const Inputs& in) : c_(c), in_(in) {}

  Outputs run() const {
    Outputs out{std::vector<double>(element_count(c_.y_shape()), 0.0),
                std::vector<double>(element_count(c_.state_shape()), 0.0),
                std::vector<double>(element_count(c_.state_shape()), 0.0)};
    for (int64_t d = 0; d < c_.dirs(); ++d) {
      for (int64_t b = 0; b < c_.batch; ++b) sequence(d, b, out);
    }
    return out;
  }

 private:
  int64_t state_at(int64_t d, int64_t b) const {
    return (c_.layout == 0 ? d * c_.batch + b : b * c_.dirs() + d) * c_.hidden;
  }
  double clip(double v) const {
    return c_.clip ? std::clamp(v, -double(*c_.clip), double(*c_.clip)) : v;
  }
  const float* x_at(int64_t t, int64_t b) const {
    return in_.x.data<float>() + (c_.layout == 0 ? t * c_.batch + b : b * c_.seq + t) * c_.input;
  }
  // Row `row` of direction d's W (or R) times v.
  double dot(const Tensor& m, int64_t d, int64_t row, const double* v, int64_t k) const {
    const float* p = m.data<float>() + (d * c_.gates() * c_.hidden + row) * k;
    double s = 0;
    for (int64_t i = 0; i < k; ++i) s += p[i] * v[i];
    return s;
  }
  double wb(int64_t d, int64_t i) const {
    return in_.b.empty() ? 0.0 : in_.b.data<float>()[d * 2 * c_.gates() * c_.hidden + i];
  }
  double rb(int64_t d, int64_t i) const { return wb(d, c_.gates() * c_.hidden + i); }

  void sequence(int64_t d, int64_t b, Outputs& out) const {
    const int64_t n = c_.hidden, len = c_.lengths.empty() ? c_.seq : c_.lengths[b];
    const bool backwards = c_.direction == "reverse" || d == 1;
    const auto fns = ref_functions(c_, d);
    std::vector<double> h(n, 0.0), cell(n, 0.0), x(c_.input);
    if (!in_.h0.empty()) std::copy_n(in_.h0.data<float>() + state_at(d, b), n, h.begin());
    if (!in_.c0.empty()) std::copy_n(in_.c0.data<float>() + state_at(d, b), n, cell.begin());
    for (int64_t s = 0; s < len; ++s) {
      const int64_t t = backwards ? len - 1 - s : s;
      std::copy_n(x_at(t, b), c_.input, x.begin());
      if (c_.op == "LSTM") lstm_step(d, x, h, cell, fns);
      if (c_.op == "GRU") gru_step(d, x, h, fns);
      if (c_.op == "RNN") rnn_step(d, x, h, fns);
      const int64_t y_at = c_.layout == 0 ? ((t * c_.dirs() + d) * c_.batch + b) * n
                                          : ((b * c_.seq + t) * c_.dirs() + d) * n;
      std::copy(h.begin(), h.end(), out.y.begin() + y_at);
    }
    if (len == 0) return;  // final states stay zero
    std::copy(h.begin(), h.end(), out.yh.begin() + state_at(d, b));
    std::copy(cell.begin(), cell.end(), out.yc.begin() + state_at(d, b));
  }

  // Gate g's pre-activation without the state term: Xt·Wgᵀ + Wbg.
  double x_part(int64_t d, int64_t g, int64_t j, const std::vector<double>& x) const {
    return dot(in_.w, d, g * c_.hidden + j, x.data(), c_.input) + wb(d, g * c_.hidden + j);
  }
  double h_part(int64_t d, int64_t g, int64_t j, const std::vector<double>& h) const {
    return dot(in_.r, d, g * c_.hidden + j, h.data(), c_.hidden) + rb(d, g * c_.hidden + j);
  }

  void lstm_step(int64_t d, const std::vector<double>& x, std::vector<double>& h,
                 std::vector<double>& cell, const std::vector<RefFn>& fn) const {
    const int64_t n = c_.hidden;
    const auto peep = [&](int64_t k, int64_t j) {
      return in_.p.empty() ? 0.0 : double(in_.p.data<float>()[d * 3 * n + k * n + j]);
    };
    std::vector<double> h_new(n);
    for (int64_t j = 0; j < n; ++j) {  // gates i o f c
      const double i = fn[0](clip(x_part(d, 0, j, x) + h_part(d, 0, j, h) + peep(0, j) * cell[j]));
      const double f =
          c_.input_forget
              ? 1.0 - i
              : fn[0](clip(x_part(d, 2, j, x) + h_part(d, 2, j, h) + peep(2, j) * cell[j]));
      const double g = fn[1](clip(x_part(d, 3, j, x) + h_part(d, 3, j, h)));
      cell[j] = f * cell[j] + i * g;
      const double o = fn[0](clip(x_part(d, 1, j, x) + h_part(d, 1, j, h) + peep(1, j) * cell[j]));
      h_new[j] = o * fn[2](clip(cell[j]));
    }
    h = h_new;
  }

  void gru_step(int64_t d, const std::vector<double>& x, std::vector<double>& h,
                const std::vector<RefFn>& fn) const {
    const int64_t n = c_.hidden;
    std::vector<double> z(n), r(n), rh(n), h_new(n);
    for (int64_t j = 0; j < n; ++j) {  // gates z r h
      z[j] = fn[0](clip(x_part(d, 0, j, x) + h_part(d, 0, j, h)));
      r[j] = fn[0](clip(x_part(d, 1, j, x) + h_part(d, 1, j, h)));
      rh[j] = r[j] * h[j];
    }
    for (int64_t j = 0; j < n; ++j) {
      const double pre = c_.linear_before_reset ? x_part(d, 2, j, x) + r[j] * h_part(d, 2, j, h)
                                                : x_part(d, 2, j, x) + h_part(d, 2, j, rh);
      h_new[j] = (1 - z[j]) * fn[1](clip(pre)) + z[j] * h[j];
    }
    h = h_new;
  }

  void rnn_step(int64_t d, const std::vector<double>& x, std::vector<double>& h,
                const std::vector<RefFn>& fn) const {
    std::vector<double> h_new(c_.hidden);
    for (int64_t j = 0; j < c_.hidden; ++j)
      h_new[j] = fn[0](clip(x_part(d, 0, j, x) + h_part(d, 0, j, h)));
    h = h_new;
  }

  const Case& c_;
  const Inputs& in_;
};

// ---- running the kernel ----------------------------------------------------

// The node and graph of a case; W, R and B are initializers when `constants`.
Graph make_graph(const Case& c, const Inputs& in, bool constants) {
  Graph g;
  g.source = "recurrent_test";
  g.opset = 14;
  Node n;
  n.name = "rec";
  n.op_type = c.op;
  const std::vector<std::pair<const char*, const Tensor*>> named = {{"X", &in.x},
                                                                    {"W", &in.w},
                                                                    {"R", &in.r},
                                                                    {"B", &in.b},
                                                                    {"sequence_lens", &in.lens},
                                                                    {"initial_h", &in.h0},
                                                                    {"initial_c", &in.c0},
                                                                    {"P", &in.p}};
  for (const auto& [name, t] : named) {
    if (c.op != "LSTM" && n.inputs.size() == 6) break;
    n.inputs.push_back(t->empty() ? "" : name);
    if (t->empty()) continue;
    const bool constant = constants && (n.inputs.size() >= 2 && n.inputs.size() <= 4);
    if (constant) {
      g.initializers[name] = *t;
    } else {
      g.inputs.push_back(name);
      g.values[name] = ValueInfo{t->dtype(), t->shape(), std::nullopt, false};
    }
  }
  n.outputs = {"Y", "Y_h"};
  if (c.op == "LSTM") n.outputs.push_back("Y_c");
  g.outputs = n.outputs;
  n.attrs["hidden_size"] = c.hidden;
  n.attrs["direction"] = c.direction;
  n.attrs["layout"] = c.layout;
  if (c.clip) n.attrs["clip"] = *c.clip;
  if (!c.alphas.empty()) n.attrs["activation_alpha"] = c.alphas;
  if (!c.betas.empty()) n.attrs["activation_beta"] = c.betas;
  if (c.op == "GRU") n.attrs["linear_before_reset"] = int64_t{c.linear_before_reset};
  if (c.op == "LSTM") n.attrs["input_forget"] = int64_t{c.input_forget};
  g.nodes.push_back(std::move(n));
  return g;
}

std::vector<Tensor> graph_inputs(const Graph& g, const Inputs& in) {
  std::vector<Tensor> out;
  const std::vector<std::pair<const char*, const Tensor*>> named = {{"X", &in.x},
                                                                    {"W", &in.w},
                                                                    {"R", &in.r},
                                                                    {"B", &in.b},
                                                                    {"sequence_lens", &in.lens},
                                                                    {"initial_h", &in.h0},
                                                                    {"initial_c", &in.c0},
                                                                    {"P", &in.p}};
  for (const auto& name : g.inputs) {
    for (const auto& [n, t] : named) {
      if (name == n) out.push_back(*t);
    }
  }
  return out;
}

// The kernel of the case's node, run directly, with the case's activations.
std::vector<Tensor> run_kernel(const Case& c, const Inputs& in, int threads) {
  const Graph g = make_graph(c, in, /*constants=*/true);
  const Node& n = g.nodes[0];
  const RecurrentAttrs attrs = floatk::read_recurrent_attrs(
      n, [&](const std::string& what) { throw bad_input(g.source, n.label() + ": " + what); },
      c.activations);
  const auto kernel = c.op == "LSTM"  ? floatk::make_lstm_kernel(n, g, attrs)
                      : c.op == "GRU" ? floatk::make_gru_kernel(n, g, attrs)
                                      : floatk::make_rnn_kernel(n, g, attrs);
  const std::vector<const Tensor*> all = {&in.x,    &in.w,  &in.r,  &in.b,
                                          &in.lens, &in.h0, &in.c0, &in.p};
  std::vector<const Tensor*> ptrs;
  for (std::size_t i = 0; i < n.inputs.size(); ++i) {
    ptrs.push_back(n.inputs[i].empty() ? nullptr : all[i]);
  }
  std::vector<Tensor> outs(n.outputs.size());
  RunContext ctx;
  ctx.threads = threads;
  kernel->run(ctx, ptrs, outs);
  return outs;
}

// The whole model path: registry, shape inference, W/R/B as run-time inputs.
std::vector<Tensor> run_model(const Case& c, const Inputs& in, int threads) {
  Graph g = make_graph(c, in, /*constants=*/false);
  const std::vector<Tensor> inputs = graph_inputs(g, in);
  const Model model = Model::from_graph(std::move(g), testing::float_mode());
  RunContext ctx;
  ctx.threads = threads;
  return model.run(inputs, ctx).outputs;
}

void expect_matches(const Case& c, const std::vector<Tensor>& got, const Outputs& want) {
  ASSERT_EQ(got.size(), c.op == "LSTM" ? 3u : 2u);
  const std::vector<const std::vector<double>*> wanted = {&want.y, &want.yh, &want.yc};
  const std::vector<Shape> shapes = {c.y_shape(), c.state_shape(), c.state_shape()};
  for (std::size_t k = 0; k < got.size(); ++k) {
    ASSERT_EQ(shape_str(got[k].shape()), shape_str(shapes[k])) << "output " << k;
    const auto v = got[k].values<float>();
    for (std::size_t i = 0; i < v.size(); ++i) {
      ASSERT_NEAR(v[i], (*wanted[k])[i], 1e-5 + 1e-5 * std::fabs((*wanted[k])[i]))
          << c.op << " output " << k << " element " << i;
    }
  }
}

// Checks a case through the kernel and (without explicit activations) the model.
void check(const Case& c, unsigned seed = 7) {
  const Inputs in = make_inputs(c, seed);
  const Outputs want = Reference(c, in).run();
  {
    SCOPED_TRACE("kernel");
    expect_matches(c, run_kernel(c, in, 1), want);
  }
  if (c.activations.empty()) {
    SCOPED_TRACE("model");
    expect_matches(c, run_model(c, in, 2), want);
  }
}

const char* const kOps[] = {"LSTM", "GRU", "RNN"};

TEST(Recurrent, DefaultsForwardAndReverse) {
  for (const char* op : kOps) {
    for (const char* dir : {"forward", "reverse"}) {
      SCOPED_TRACE(std::string(op) + " " + dir);
      Case c;
      c.op = op;
      c.direction = dir;
      check(c);
    }
  }
}

TEST(Recurrent, BidirectionalWithShortSequencesAndInitialStates) {
  for (const char* op : kOps) {
    for (int64_t layout : {0, 1}) {
      SCOPED_TRACE(std::string(op) + " layout " + std::to_string(layout));
      Case c;
      c.op = op;
      c.direction = "bidirectional";
      c.seq = 5;
      c.batch = 4;
      c.layout = layout;
      c.lengths = {5, 2, 0, 3};
      c.initial = true;
      check(c);
    }
  }
}

TEST(Recurrent, ReverseWithSequenceLensLayout1WithoutBias) {
  for (const char* op : kOps) {
    SCOPED_TRACE(op);
    Case c;
    c.op = op;
    c.direction = "reverse";
    c.layout = 1;
    c.bias = false;
    c.lengths = {1, 4, 3};
    c.initial = true;
    check(c);
  }
}

TEST(RecurrentLstm, PeepholesInputForgetAndClip) {
  for (bool input_forget : {false, true}) {
    Case c;
    c.direction = "bidirectional";
    c.peepholes = true;
    c.initial = true;
    c.input_forget = input_forget;
    c.clip = 0.4f;
    c.lengths = {4, 3, 1};
    SCOPED_TRACE(input_forget ? "input_forget" : "no input_forget");
    check(c);
  }
}

TEST(RecurrentGru, LinearBeforeReset) {
  for (bool lbr : {false, true}) {
    for (const char* dir : {"forward", "bidirectional"}) {
      SCOPED_TRACE(std::string(lbr ? "lbr=1 " : "lbr=0 ") + dir);
      Case c;
      c.op = "GRU";
      c.direction = dir;
      c.linear_before_reset = lbr;
      c.initial = true;
      c.lengths = {2, 4, 3};
      check(c);
    }
  }
}

TEST(Recurrent, ExplicitActivationsWithAlphaAndBeta) {
  Case lstm;
  lstm.direction = "bidirectional";
  lstm.activations = {"HardSigmoid", "LeakyRelu", "Softsign", "sigmoid", "ScaledTanh", "Elu"};
  lstm.alphas = {0.3f, 0.05f, 0.9f, 0.8f};
  lstm.betas = {0.45f, 1.3f};
  lstm.clip = 1.5f;
  lstm.initial = true;
  check(lstm);

  Case gru;
  gru.op = "GRU";
  gru.activations = {"Affine", "ThresholdedRelu"};
  gru.alphas = {0.25f, 0.1f};
  gru.betas = {0.5f};
  check(gru);

  for (const char* f : {"Relu", "Softplus", "Tanh", "Sigmoid"}) {
    SCOPED_TRACE(f);
    Case rnn;
    rnn.op = "RNN";
    rnn.direction = "bidirectional";
    rnn.activations = {f};  // one direction's list serves both
    check(rnn);
  }
}

// A sequence gives the same bits alone as inside a batch, and on 1 or 2 threads.
TEST(Recurrent, BatchAndThreadCountChangeNoBit) {
  for (const char* op : kOps) {
    SCOPED_TRACE(op);
    Case c;
    c.op = op;
    c.direction = "bidirectional";
    c.hidden = 20;  // wider than one GEMM panel
    c.input = 9;
    c.batch = 3;
    c.lengths = {4, 2, 3};
    c.initial = true;
    c.peepholes = c.op == "LSTM";
    const Inputs in = make_inputs(c, 11);
    const auto one = run_model(c, in, 1), two = run_model(c, in, 2);
    for (std::size_t k = 0; k < one.size(); ++k) EXPECT_TRUE(testing::same_bits(one[k], two[k]));
    // Sequence 1 alone (layout 0: X[t, 1, :]).
    Case single = c;
    single.batch = 1;
    single.lengths = {c.lengths[1]};
    Inputs alone = make_inputs(single, 11);
    alone.w = in.w;
    alone.r = in.r;
    alone.b = in.b;
    alone.p = in.p;
    for (int64_t t = 0; t < c.seq; ++t) {
      std::copy_n(in.x.data<float>() + (t * c.batch + 1) * c.input, c.input,
                  alone.x.data<float>() + t * c.input);
    }
    for (Tensor* s : {&alone.h0, &alone.c0}) {
      const Tensor& from = s == &alone.h0 ? in.h0 : in.c0;
      if (from.empty()) continue;
      for (int64_t d = 0; d < c.dirs(); ++d) {
        std::copy_n(from.data<float>() + (d * c.batch + 1) * c.hidden, c.hidden,
                    s->data<float>() + d * c.hidden);
      }
    }
    const auto solo = run_model(single, alone, 2);
    const float* y_batch = one[0].data<float>();
    const float* y_solo = solo[0].data<float>();
    for (int64_t t = 0; t < c.seq; ++t) {
      for (int64_t d = 0; d < c.dirs(); ++d) {
        for (int64_t j = 0; j < c.hidden; ++j) {
          EXPECT_EQ(y_batch[((t * c.dirs() + d) * c.batch + 1) * c.hidden + j],
                    y_solo[(t * c.dirs() + d) * c.hidden + j])
              << "t " << t << " d " << d << " j " << j;
        }
      }
    }
  }
}

// Omitted outputs are not made; the others are unchanged.
TEST(Recurrent, OptionalOutputs) {
  Case c;
  c.direction = "bidirectional";
  const Inputs in = make_inputs(c, 3);
  Graph g = make_graph(c, in, true);
  g.nodes[0].outputs = {"", "Y_h"};
  g.outputs = {"Y_h"};
  const Model model = Model::from_graph(std::move(g), testing::float_mode());
  const auto out = model.run({in.x}).outputs;
  ASSERT_EQ(out.size(), 1u);
  const Outputs want = Reference(c, in).run();
  const auto v = out[0].values<float>();
  ASSERT_EQ(v.size(), want.yh.size());
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(v[i], want.yh[i], 1e-5);
}

std::string load_error(Graph g) {
  try {
    Model::from_graph(std::move(g), testing::float_mode());
  } catch (const BadInput& e) {
    return e.what();
  }
  return "";
}

TEST(Recurrent, BadAttributesAndShapesAreRefusedNamingTheNode) {
  Case c;
  const Inputs in = make_inputs(c, 5);
  const auto refused = [&](auto edit, const std::string& words) {
    Graph g = make_graph(c, in, true);
    edit(g.nodes[0], g);
    const std::string e = load_error(std::move(g));
    EXPECT_NE(e.find("node 'rec' (LSTM)"), std::string::npos) << e;
    EXPECT_NE(e.find(words), std::string::npos) << e;
  };
  refused([](Node& n, Graph&) { n.attrs.erase("hidden_size"); }, "hidden_size");
  refused([](Node& n, Graph&) { n.attrs["hidden_size"] = int64_t{4}; }, "input W has shape");
  refused([](Node& n, Graph&) { n.attrs["direction"] = std::string("sideways"); }, "sideways");
  refused([](Node& n, Graph&) { n.attrs["layout"] = int64_t{2}; }, "layout");
  refused([](Node&, Graph& g) { g.values["X"].shape = {4, 3}; }, "input X has shape");

  // An unknown activation name is refused when the kernel's attributes are read.
  const Graph g = make_graph(c, in, true);
  const Node& n = g.nodes[0];
  try {
    floatk::read_recurrent_attrs(
        n, [&](const std::string& what) { throw bad_input(g.source, n.label() + ": " + what); },
        {"Sigmoid", "Tanh", "Swish"});
    ADD_FAILURE() << "accepted";
  } catch (const BadInput& e) {
    EXPECT_NE(std::string(e.what()).find("node 'rec' (LSTM): unknown activation 'Swish'"),
              std::string::npos)
        << e.what();
  }
}

// A model file that lists an unknown activation is refused with BadInput
// naming the node (exit code 2), not run with the default functions.
TEST(Recurrent, UnknownActivationsInAModelFileAreRefusedNamingTheNode) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(14);
  auto* g = m.mutable_graph();
  g->set_name("test");
  for (const char* name : {"X", "W", "R"}) {
    auto* v = g->add_input();
    v->set_name(name);
    v->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  }
  auto* y = g->add_output();
  y->set_name("Y");
  y->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  auto* n = g->add_node();
  n->set_op_type("RNN");
  n->set_name("rnn");
  for (const char* name : {"X", "W", "R"}) n->add_input(name);
  n->add_output("Y");
  auto* hidden = n->add_attribute();
  hidden->set_name("hidden_size");
  hidden->set_type(onnx::AttributeProto::INT);
  hidden->set_i(2);
  auto* acts = n->add_attribute();
  acts->set_name("activations");
  acts->set_type(onnx::AttributeProto::STRINGS);
  acts->add_strings("Swish");
  try {
    Model::from_graph(import_onnx_bytes(m.SerializeAsString(), "mem.onnx"), testing::float_mode());
    ADD_FAILURE() << "accepted";
  } catch (const BadInput& e) {
    EXPECT_NE(std::string(e.what()).find("node 'rnn' (RNN)"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace aimc
