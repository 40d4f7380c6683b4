#include "engine/kernels/float/recurrent_weights.h"

#include <algorithm>

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

}  // namespace aimc::floatk
