#pragma once
// What LSTM, GRU and RNN share at run time: the checked inputs and outputs of
// one run with the index arithmetic of both layouts (RecurrentRun), and a
// kernel base that prepares the weights and runs the directions, leaving each
// op only its gate equations (RecurrentKernel::run_direction).
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "engine/kernel.h"
#include "engine/kernels/float/recurrent_attrs.h"
#include "engine/kernels/float/recurrent_weights.h"

namespace aimc::floatk {

// The states a direction's R multiplied, collected in a calibration run
// (RecurrentWeights::measure_state_ranges): rows of `hidden`.
struct StateRecording {
  std::vector<float> rows;
  std::vector<ProjectionJob> jobs;
};

class RecurrentRun {
 public:
  RecurrentRun(const RecurrentAttrs& a, const RecurrentDims& d,
               std::span<const Tensor* const> inputs, std::span<float* const> outputs,
               std::vector<int64_t> lengths, const RunContext& ctx);

  int64_t seq() const { return seq_; }
  int64_t batch() const { return batch_; }
  int64_t hidden() const { return hidden_; }
  int64_t max_length() const { return max_length_; }
  int64_t length(int64_t b) const { return lengths_[b]; }

  // Time index of step s of sequence b in direction d (s < length(b)): a
  // backwards direction walks each sequence from its own last valid step.
  int64_t time(int d, int64_t s, int64_t b) const {
    return attrs_.backwards(d) ? lengths_[b] - 1 - s : s;
  }
  // Row of X (and of the input projection) holding time t of sequence b.
  int64_t x_row(int64_t t, int64_t b) const { return layout0() ? t * batch_ + b : b * seq_ + t; }

  // The input projection of every row of X, [rows of X, gates·hidden]. On
  // tiles, rows past a sequence's length are zero, and row (t, b) is image
  // b's MVM number t.
  std::vector<float> project_inputs(const RecurrentWeights& w) const;
  // The recurrent projection of step s of direction d (gates [first, first +
  // count), see RecurrentWeights::project_state) for every sequence, from h
  // [batch, hidden]. On tiles only the sequences still running are
  // projected, sequence b's as image b's MVM number (1 + read)·seq + t:
  // `read` 1 is GRU's second product of a step, on r ⊙ H.
  void project_state(const RecurrentWeights& w, int d, int64_t s, const float* h, int64_t first,
                     int64_t count, float* out, int64_t ldo, int read = 0) const;
  // While set, project_state runs R digitally and collects its state rows.
  void record_states(StateRecording* into) { recording_ = into; }
  // Wb + Rb of direction d (zeros without B), gates·hidden.
  std::vector<float> summed_bias(int d) const;
  // Direction d's slice of B: Wb then Rb, gates·hidden each; null if omitted.
  const float* bias(int d) const;
  // Direction d's peepholes (P: i, o, f); null if omitted.
  const float* peepholes(int d) const;
  // Direction d's rows of initial_h or initial_c (`which`), as [batch,
  // hidden]; zeros when the input is omitted.
  std::vector<float> initial_state(std::size_t which, int d) const;

  // Stores h of time t of sequence b in Y (when Y is wanted).
  void store_step(int d, int64_t t, int64_t b, const float* h) const;
  // Stores the final hidden (and cell) states of direction d, [batch, hidden]
  // each: zero for an empty sequence, as onnxruntime.
  void store_final(int d, const float* h, const float* c) const;

  float clip(float v) const { return clip_on_ ? (v < -clip_ ? -clip_ : v > clip_ ? clip_ : v) : v; }

 private:
  bool layout0() const { return attrs_.layout == 0; }
  int64_t state_offset(int d, int64_t b) const {
    return (layout0() ? d * batch_ + b : b * attrs_.directions + d) * hidden_;
  }

  const RecurrentAttrs& attrs_;
  const RunContext& ctx_;
  int64_t seq_, batch_, hidden_, max_length_ = 0;
  std::span<const Tensor* const> inputs_;
  const float* x_;
  float *y_, *y_h_, *y_c_;
  std::vector<int64_t> lengths_;
  bool clip_on_;
  float clip_;
  StateRecording* recording_ = nullptr;
};

class RecurrentKernel : public Kernel {
 public:
  RecurrentKernel(const Node& n, const Graph& g, RecurrentAttrs a, const KernelOptions& o);
  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const final;

 protected:
  const RecurrentAttrs& attrs() const { return attrs_; }
  // Runs direction d over every sequence of the run: the op's equations.
  virtual void run_direction(const RecurrentRun& run, int d, const RecurrentWeights& w) const = 0;

 private:
  [[noreturn]] void fail(const std::string& what) const;
  std::vector<int64_t> sequence_lengths(const Tensor* lens, const RecurrentDims& d) const;
  std::vector<RecurrentWeights> weights_of(const Tensor& w, const Tensor& r, int64_t input) const;
  // Analog mode, placed on a crossbar: W and R of each direction on tiles.
  void put_on_tiles(std::vector<RecurrentWeights>& weights, const Tensor& w, const Tensor& r,
                    int64_t input, const KernelOptions& o) const;
  // A calibration run: measures direction d's R ranges on the states of a
  // pass with R digital.
  void measure_state_ranges(RecurrentRun& run, int d, const RecurrentWeights& w,
                            const RunContext& ctx) const;

  const Node& node_;
  const Graph& graph_;
  RecurrentAttrs attrs_;
  // Packed at load when W and R are initializers, else at every run.
  std::optional<std::vector<RecurrentWeights>> prepared_;
};

// The kernels of the three ops for attributes already read (tests set
// activations directly); make_lstm, make_gru and make_rnn (float_kernels.h)
// read them from the node.
std::unique_ptr<Kernel> make_lstm_kernel(const Node& n, const Graph& g, RecurrentAttrs a,
                                         const KernelOptions& o = {});
std::unique_ptr<Kernel> make_gru_kernel(const Node& n, const Graph& g, RecurrentAttrs a,
                                        const KernelOptions& o = {});
std::unique_ptr<Kernel> make_rnn_kernel(const Node& n, const Graph& g, RecurrentAttrs a,
                                        const KernelOptions& o = {});

// Reads a node's attributes for a kernel, refusing them with BadInput naming the node.
RecurrentAttrs kernel_recurrent_attrs(const Node& n, const Graph& g);

}  // namespace aimc::floatk
