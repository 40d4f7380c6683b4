// GRU (ONNX opsets 7 and 14), gates in ONNX order z, r, h:
//   z = f(Xt·Wzᵀ + Ht-1·Rzᵀ + Wbz + Rbz)
//   r = f(Xt·Wrᵀ + Ht-1·Rrᵀ + Wbr + Rbr)
//   h = g(Xt·Whᵀ + (r ⊙ Ht-1)·Rhᵀ + Rbh + Wbh)       linear_before_reset = 0
//   h = g(Xt·Whᵀ + r ⊙ (Ht-1·Rhᵀ + Rbh) + Wbh)       linear_before_reset ≠ 0
//   Ht = (1 − z) ⊙ h + z ⊙ Ht-1
// `clip` bounds the input of every activation.
#include "engine/kernels/float/float_kernels.h"
#include "engine/kernels/float/recurrent_kernel.h"

namespace aimc::floatk {
namespace {

class GruKernel : public RecurrentKernel {
 public:
  using RecurrentKernel::RecurrentKernel;

 protected:
  void run_direction(const RecurrentRun& run, int d, const RecurrentWeights& w) const override {
    const int64_t batch = run.batch(), n = run.hidden(), gh = 3 * n;
    const std::vector<float> xproj = run.project_inputs(w);
    const std::vector<float> bias = run.summed_bias(d);
    const float* raw_bias = run.bias(d);
    const Activation& f = attrs().activations[static_cast<std::size_t>(d) * 2];
    const Activation& g = attrs().activations[static_cast<std::size_t>(d) * 2 + 1];
    const bool lbr = attrs().linear_before_reset;
    std::vector<float> h = run.initial_state(kInInitialH, d);
    std::vector<float> z(h.size()), rh(h.size(), 0.0f), r(h.size());
    std::vector<float> hproj(static_cast<std::size_t>(batch * gh));
    for (int64_t s = 0; s < run.max_length(); ++s) {
      // With linear_before_reset the hidden gate's product is on H too: one read.
      run.project_state(w, d, s, h.data(), 0, lbr ? 3 : 2, hproj.data(), gh);
      for (int64_t b = 0; b < batch; ++b) {
        if (s >= run.length(b)) continue;  // this sequence has ended: its state stays
        const float* xp = &xproj[run.x_row(run.time(d, s, b), b) * gh];
        const float* hp = &hproj[b * gh];
        for (int64_t j = b * n, k = 0; k < n; ++j, ++k) {
          z[j] = f(run.clip(xp[k] + hp[k] + bias[k]));
          r[j] = f(run.clip(xp[n + k] + hp[n + k] + bias[n + k]));
          rh[j] = r[j] * h[j];
        }
      }
      // Without linear_before_reset the hidden gate's product is on r ⊙ H.
      if (!lbr) run.project_state(w, d, s, rh.data(), 2, 1, hproj.data() + 2 * n, gh, 1);
      for (int64_t b = 0; b < batch; ++b) {
        if (s >= run.length(b)) continue;
        const int64_t t = run.time(d, s, b);
        const float* xp = &xproj[run.x_row(t, b) * gh] + 2 * n;
        const float* hp = &hproj[b * gh] + 2 * n;
        for (int64_t j = b * n, k = 0; k < n; ++j, ++k) {
          const float wb = raw_bias ? raw_bias[2 * n + k] : 0.0f;
          const float rb = raw_bias ? raw_bias[gh + 2 * n + k] : 0.0f;
          const float pre = lbr ? xp[k] + r[j] * (hp[k] + rb) + wb : xp[k] + hp[k] + rb + wb;
          const float cand = g(run.clip(pre));
          h[j] = (1.0f - z[j]) * cand + z[j] * h[j];
        }
        run.store_step(d, t, b, &h[b * n]);
      }
    }
    run.store_final(d, h.data(), nullptr);
  }
};

}  // namespace

std::unique_ptr<Kernel> make_gru_kernel(const Node& n, const Graph& g, RecurrentAttrs a,
                                        const KernelOptions& o) {
  return std::make_unique<GruKernel>(n, g, std::move(a), o);
}

std::unique_ptr<Kernel> make_gru(const Node& n, const Graph& g, const KernelOptions& o) {
  return make_gru_kernel(n, g, kernel_recurrent_attrs(n, g), o);
}

}  // namespace aimc::floatk
