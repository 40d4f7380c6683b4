#include "engine/kernels/float/recurrent_kernel.h"

#include <algorithm>
#include <exception>

#include "engine/analog/analog_backend.h"
#include "engine/kernels/float/float_analog.h"
#include "engine/kernels/float/float_common.h"

namespace aimc::floatk {

RecurrentRun::RecurrentRun(const RecurrentAttrs& a, const RecurrentDims& d,
                           std::span<const Tensor* const> inputs, std::span<float* const> outputs,
                           std::vector<int64_t> lengths, const RunContext& ctx)
    : attrs_(a),
      ctx_(ctx),
      seq_(d.seq),
      batch_(d.batch),
      hidden_(a.hidden_size),
      inputs_(inputs),
      x_(inputs[kInX]->data<float>()),
      y_(outputs[0]),
      y_h_(outputs[1]),
      y_c_(outputs[2]),
      lengths_(std::move(lengths)),
      clip_on_(a.clip.has_value()),
      clip_(a.clip.value_or(0.0f)) {
  for (int64_t len : lengths_) max_length_ = std::max(max_length_, len);
}

const float* RecurrentRun::bias(int d) const {
  const Tensor* b = optional_input(inputs_, kInB);
  return b ? b->data<float>() + d * 2 * gate_count(attrs_.op) * hidden_ : nullptr;
}

const float* RecurrentRun::peepholes(int d) const {
  const Tensor* p =
      attrs_.op == RecurrentOp::kLstm ? optional_input(inputs_, kInPeepholes) : nullptr;
  return p ? p->data<float>() + d * 3 * hidden_ : nullptr;
}

std::vector<float> RecurrentRun::initial_state(std::size_t which, int d) const {
  std::vector<float> state(static_cast<std::size_t>(batch_ * hidden_), 0.0f);
  const Tensor* t = optional_input(inputs_, which);
  if (!t) return state;
  const float* src = t->data<float>();
  for (int64_t b = 0; b < batch_; ++b) {
    std::copy_n(src + state_offset(d, b), hidden_, state.begin() + b * hidden_);
  }
  return state;
}

void RecurrentRun::store_step(int d, int64_t t, int64_t b, const float* h) const {
  if (!y_) return;
  const int64_t dirs = attrs_.directions;
  const int64_t at =
      layout0() ? ((t * dirs + d) * batch_ + b) * hidden_ : ((b * seq_ + t) * dirs + d) * hidden_;
  std::copy_n(h, hidden_, y_ + at);
}

void RecurrentRun::store_final(int d, const float* h, const float* c) const {
  for (int64_t b = 0; b < batch_; ++b) {
    const bool empty = lengths_[b] == 0;
    for (auto [out, src] : {std::pair{y_h_, h}, std::pair{y_c_, c}}) {
      if (!out || !src) continue;
      float* dst = out + state_offset(d, b);
      if (empty) {
        std::fill_n(dst, hidden_, 0.0f);
      } else {
        std::copy_n(src + b * hidden_, hidden_, dst);
      }
    }
  }
}

RecurrentAttrs kernel_recurrent_attrs(const Node& n, const Graph& g) {
  return read_recurrent_attrs(
      n, [&](const std::string& what) { throw bad_input(g.source, n.label() + ": " + what); });
}

RecurrentKernel::RecurrentKernel(const Node& n, const Graph& g, RecurrentAttrs a,
                                 const KernelOptions& o)
    : node_(n), graph_(g), attrs_(std::move(a)) {
  const Tensor* w = n.inputs.size() > kInW ? g.initializer(n.inputs[kInW]) : nullptr;
  const Tensor* r = n.inputs.size() > kInR ? g.initializer(n.inputs[kInR]) : nullptr;
  if (w && r && w->dtype() == DType::kFloat32 && r->dtype() == DType::kFloat32) {
    const std::vector<std::optional<Shape>> shapes{std::nullopt, w->shape(), r->shape()};
    const RecurrentDims d =
        check_recurrent_inputs(attrs_, shapes, [&](const std::string& what) { fail(what); });
    prepared_ = weights_of(*w, *r, d.input);
    put_on_tiles(*prepared_, *w, *r, d.input, o);
  } else if (on_crossbar(n.placement.unit)) {
    fail("placement '" + unit_name(n.placement.unit) + "' needs constant float W and R");
  }
}

void RecurrentKernel::put_on_tiles(std::vector<RecurrentWeights>& weights, const Tensor& w,
                                   const Tensor& r, int64_t input, const KernelOptions& o) const {
  const int64_t gh = gate_count(attrs_.op) * attrs_.hidden_size, h = attrs_.hidden_size;
  for (int d = 0; d < attrs_.directions; ++d) {
    // Each matrix its own layer of draws and of calibrated ranges.
    const std::string dir = attrs_.backwards(d) ? "_reverse" : "_forward";
    RecurrentTiles t;
    const std::string w_name = layer_name(node_) + "/W" + dir;
    t.w =
        matrix_tiles(node_, graph_, o, w.data<float>() + d * gh * input, gh, input, 2 * d, w_name);
    if (!t.w) return;  // placement keeps the node digital
    if (input == 0) fail("an input of size 0 cannot go on crossbar tiles");
    t.r_name = layer_name(node_) + "/R" + dir;
    t.r = matrix_tiles(node_, graph_, o, r.data<float>() + d * gh * h, gh, h, 2 * d + 1, t.r_name);
    t.calibrated_ranges = o.analog->config.adc_range == AdcRangeMode::kCalibrated;
    t.flavor = o.flavor;
    weights[d].set_tiles(std::move(t));
  }
}

std::vector<float> RecurrentRun::project_inputs(const RecurrentWeights& w) const {
  const int64_t rows = seq_ * batch_;
  std::vector<float> out(static_cast<std::size_t>(rows * w.gates() * hidden_), 0.0f);
  if (!w.on_tiles()) {
    w.project_inputs(x_, rows, out.data());
    return out;
  }
  std::vector<ProjectionJob> jobs;
  for (int64_t t = 0; t < seq_; ++t)
    for (int64_t b = 0; b < batch_; ++b)
      if (t < lengths_[b])
        jobs.push_back(
            {x_row(t, b), {static_cast<uint32_t>(ctx_.first_image + b), static_cast<uint32_t>(t)}});
  w.project_inputs(ctx_, x_, jobs, out.data());
  return out;
}

void RecurrentRun::project_state(const RecurrentWeights& w, int d, int64_t s, const float* h,
                                 int64_t first, int64_t count, float* out, int64_t ldo,
                                 int read) const {
  std::vector<ProjectionJob> jobs;
  for (int64_t b = 0; b < batch_; ++b)
    if (s < lengths_[b])
      jobs.push_back({b,
                      {static_cast<uint32_t>(ctx_.first_image + b),
                       static_cast<uint32_t>((1 + read) * seq_ + time(d, s, b))}});
  if (w.on_tiles() && !recording_) {
    w.project_state(ctx_, h, jobs, first, count, out, ldo);
    return;
  }
  w.project_state(h, batch_, first, count, out, ldo);
  if (!recording_) return;
  for (ProjectionJob j : jobs) {
    recording_->rows.insert(recording_->rows.end(), h + j.row * hidden_, h + (j.row + 1) * hidden_);
    j.row = static_cast<int64_t>(recording_->jobs.size());
    recording_->jobs.push_back(j);
  }
}

std::vector<float> RecurrentRun::summed_bias(int d) const {
  const int64_t gh = gate_count(attrs_.op) * hidden_;
  std::vector<float> out(static_cast<std::size_t>(gh), 0.0f);
  if (const float* b = bias(d)) {
    for (int64_t i = 0; i < gh; ++i) out[i] = b[i] + b[gh + i];
  }
  return out;
}

void RecurrentKernel::fail(const std::string& what) const {
  throw bad_input(graph_.source, node_.label() + ": " + what);
}

std::vector<int64_t> RecurrentKernel::sequence_lengths(const Tensor* lens,
                                                       const RecurrentDims& d) const {
  std::vector<int64_t> out(static_cast<std::size_t>(d.batch), d.seq);
  if (!lens) return out;
  if (lens->dtype() != DType::kInt32 && lens->dtype() != DType::kInt64) {
    fail("sequence_lens must be int32, got " + dtype_name(lens->dtype()));
  }
  for (int64_t b = 0; b < d.batch; ++b) {
    out[b] = lens->dtype() == DType::kInt32 ? lens->data<int32_t>()[b] : lens->data<int64_t>()[b];
    if (out[b] < 0 || out[b] > d.seq) {
      fail("sequence_lens[" + std::to_string(b) + "] = " + std::to_string(out[b]) +
           " lies outside [0, " + std::to_string(d.seq) + "]");
    }
  }
  return out;
}

std::vector<RecurrentWeights> RecurrentKernel::weights_of(const Tensor& w, const Tensor& r,
                                                          int64_t input) const {
  const int64_t gates = gate_count(attrs_.op), h = attrs_.hidden_size;
  std::vector<RecurrentWeights> out;
  for (int d = 0; d < attrs_.directions; ++d) {
    out.emplace_back(w.data<float>() + d * gates * h * input, r.data<float>() + d * gates * h * h,
                     gates, h, input);
  }
  return out;
}

void RecurrentKernel::run(const RunContext& ctx, std::span<const Tensor* const> inputs,
                          std::span<Tensor> outputs) const {
  for (std::size_t i = kInX; i <= kInR; ++i) required_input(graph_, node_, inputs, i);
  std::vector<std::optional<Shape>> shapes(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i]) continue;
    if (i != kInSequenceLens) {
      expect_dtype(graph_, node_, *inputs[i], DType::kFloat32, "input '" + node_.inputs[i] + "'");
    }
    shapes[i] = inputs[i]->shape();
  }
  const RecurrentDims d =
      check_recurrent_inputs(attrs_, shapes, [&](const std::string& what) { fail(what); });
  std::vector<int64_t> lengths = sequence_lengths(optional_input(inputs, kInSequenceLens), d);

  const std::vector<Shape> out_shapes = recurrent_output_shapes(attrs_, d);
  float* out_ptrs[3] = {nullptr, nullptr, nullptr};
  for (std::size_t k = 0; k < outputs.size() && k < out_shapes.size(); ++k) {
    if (k >= node_.outputs.size() || node_.outputs[k].empty()) continue;
    // Zeroed: Y stays zero past each sequence's length.
    outputs[k] = new_output(ctx, DType::kFloat32, out_shapes[k], /*zero=*/true);
    out_ptrs[k] = outputs[k].data<float>();
  }
  const std::vector<RecurrentWeights> fresh =
      prepared_ ? std::vector<RecurrentWeights>{}
                : weights_of(*inputs[kInW], *inputs[kInR], d.input);
  const std::vector<RecurrentWeights>& weights = prepared_ ? *prepared_ : fresh;
  RecurrentRun run(attrs_, d, inputs, out_ptrs, std::move(lengths), ctx);
  if (std::any_of(weights.begin(), weights.end(),
                  [&](const RecurrentWeights& w) { return w.state_ranges_wanted(ctx); })) {
    // One direction at a time: ranges are stored as they are measured.
    for (int dir = 0; dir < attrs_.directions; ++dir) {
      measure_state_ranges(run, dir, weights[dir], ctx);
      run_direction(run, dir, weights[dir]);
    }
    return;
  }
  // The directions are independent and write disjoint outputs, so running
  // them side by side changes no result.
  const int threads = attrs_.directions == 2 && ctx.threads > 1 ? 2 : 1;
  // An exception may not leave a parallel region (tiles without their
  // calibrated ranges throw): each direction's is rethrown after it.
  std::exception_ptr failed[2];
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int dir = 0; dir < attrs_.directions; ++dir) {
    try {
      run_direction(run, dir, weights[dir]);
    } catch (...) {
      failed[dir] = std::current_exception();
    }
  }
  for (const std::exception_ptr& e : failed)
    if (e) std::rethrow_exception(e);
}

void RecurrentKernel::measure_state_ranges(RecurrentRun& run, int d, const RecurrentWeights& w,
                                           const RunContext& ctx) const {
  if (!w.state_ranges_wanted(ctx)) return;
  // R's inputs are the states its own products make: a first pass with R
  // digital collects them, then R's ranges are measured on all of them
  // (docs/ARCHITECTURE.md, ADC calibration), and the direction runs again.
  StateRecording states;
  run.record_states(&states);
  run_direction(run, d, w);
  run.record_states(nullptr);
  w.measure_state_ranges(ctx, states.rows.data(), states.jobs);
}

}  // namespace aimc::floatk
