#include "engine/kernels/float/recurrent_weights.h"

#include <algorithm>

#include "engine/kernels/float/float_analog.h"
#include "engine/kernels/float/float_gemm_core.h"

namespace aimc::floatk {

RecurrentWeights::RecurrentWeights(const float* w, const float* r, int64_t gates, int64_t hidden,
                                   int64_t input)
    : gates_(gates), hidden_(hidden), input_(input) {
  const int64_t n = gates * hidden;
  // B(k, c) = W[c, k]: Wᵀ read in place by strides.
  w_packed_.resize(static_cast<std::size_t>(packed_b_size(input, n)));
  pack_b(w, input, n, 1, input, w_packed_.data());
  r_packed_.resize(static_cast<std::size_t>(gates));
  for (int64_t g = 0; g < gates; ++g) {
    r_packed_[g].resize(static_cast<std::size_t>(packed_b_size(hidden, hidden)));
    pack_b(r + g * hidden * hidden, hidden, hidden, 1, hidden, r_packed_[g].data());
  }
}

void RecurrentWeights::project_inputs(const float* x, int64_t rows, float* out) const {
  const int64_t n = gates_ * hidden_;
  if (input_ == 0) {
    std::fill(out, out + rows * n, 0.0f);
    return;
  }
  std::vector<float> a(static_cast<std::size_t>(packed_a_size(rows, input_)));
  pack_a(x, rows, input_, input_, 1, a.data());
  gemm_packed(a.data(), w_packed_.data(), rows, n, input_, out, n, nullptr);
}

void RecurrentWeights::project_state(const float* h, int64_t rows, int64_t first, int64_t count,
                                     float* out, int64_t ldo) const {
  std::vector<float> a(static_cast<std::size_t>(packed_a_size(rows, hidden_)));
  pack_a(h, rows, hidden_, hidden_, 1, a.data());
  for (int64_t g = first; g < first + count; ++g) {
    gemm_packed(a.data(), r_packed_[g].data(), rows, hidden_, hidden_, out + (g - first) * hidden_,
                ldo, nullptr);
  }
}

void RecurrentWeights::project_inputs(const RunContext& ctx, const float* x,
                                      std::span<const ProjectionJob> jobs, float* out) const {
  if (jobs.empty()) return;
  const int64_t n = gates_ * hidden_;
  run_row_jobs(
      *tiles_.w, ctx, tiles_.flavor, static_cast<int64_t>(jobs.size()),
      [&](int64_t j, JobKey& key) {
        key = jobs[j].key;
        return x + jobs[j].row * input_;
      },
      [&](int64_t j, const double* acc) {
        float* y = out + jobs[j].row * n;
        for (int64_t c = 0; c < n; ++c) y[c] = static_cast<float>(acc[c]);
      });
}

void RecurrentWeights::project_state(const RunContext& ctx, const float* h,
                                     std::span<const ProjectionJob> jobs, int64_t first,
                                     int64_t count, float* out, int64_t ldo) const {
  if (jobs.empty()) return;
  // The tiles read every gate's columns; the gates asked for are kept.
  run_row_jobs(
      *tiles_.r, ctx, tiles_.flavor, static_cast<int64_t>(jobs.size()),
      [&](int64_t j, JobKey& key) {
        key = jobs[j].key;
        return h + jobs[j].row * hidden_;
      },
      [&](int64_t j, const double* acc) {
        float* y = out + jobs[j].row * ldo;
        for (int64_t c = 0; c < count * hidden_; ++c)
          y[c] = static_cast<float>(acc[first * hidden_ + c]);
      });
}

bool RecurrentWeights::state_ranges_wanted(const RunContext& ctx) const {
  return on_tiles() && tiles_.calibrated_ranges && ctx.state.ranges_sink &&
         !ctx.state.ranges_sink->find(tiles_.r_name);
}

void RecurrentWeights::measure_state_ranges(const RunContext& ctx, const float* h,
                                            std::span<const ProjectionJob> jobs) const {
  // TiledLayer measures a layer's ranges on its first run of a calibration
  // run; the products themselves are not wanted.
  if (jobs.empty()) return;
  run_row_jobs(
      *tiles_.r, ctx, tiles_.flavor, static_cast<int64_t>(jobs.size()),
      [&](int64_t j, JobKey& key) {
        key = jobs[j].key;
        return h + j * hidden_;
      },
      [](int64_t, const double*) {});
}

}  // namespace aimc::floatk
