// RNN (ONNX opsets 7 and 14): Ht = f(Xt·Wiᵀ + Ht-1·Riᵀ + Wbi + Rbi), with
// `clip` bounding f's input.
#include "engine/kernels/float/float_kernels.h"
#include "engine/kernels/float/recurrent_kernel.h"

namespace aimc::floatk {
namespace {

class RnnKernel : public RecurrentKernel {
 public:
  using RecurrentKernel::RecurrentKernel;

 protected:
  void run_direction(const RecurrentRun& run, int d, const RecurrentWeights& w) const override {
    const int64_t batch = run.batch(), n = run.hidden();
    const std::vector<float> xproj = run.project_inputs(w);
    const std::vector<float> bias = run.summed_bias(d);
    const Activation& f = attrs().activations[static_cast<std::size_t>(d)];
    std::vector<float> h = run.initial_state(kInInitialH, d);
    std::vector<float> hproj(static_cast<std::size_t>(batch * n));
    for (int64_t s = 0; s < run.max_length(); ++s) {
      run.project_state(w, d, s, h.data(), 0, 1, hproj.data(), n);
      for (int64_t b = 0; b < batch; ++b) {
        if (s >= run.length(b)) continue;  // this sequence has ended: its state stays
        const int64_t t = run.time(d, s, b);
        const float* xp = &xproj[run.x_row(t, b) * n];
        for (int64_t j = 0; j < n; ++j) {
          h[b * n + j] = f(run.clip(xp[j] + hproj[b * n + j] + bias[j]));
        }
        run.store_step(d, t, b, &h[b * n]);
      }
    }
    run.store_final(d, h.data(), nullptr);
  }
};

}  // namespace

std::unique_ptr<Kernel> make_rnn_kernel(const Node& n, const Graph& g, RecurrentAttrs a,
                                        const KernelOptions& o) {
  return std::make_unique<RnnKernel>(n, g, std::move(a), o);
}

std::unique_ptr<Kernel> make_rnn(const Node& n, const Graph& g, const KernelOptions& o) {
  return make_rnn_kernel(n, g, kernel_recurrent_attrs(n, g), o);
}

}  // namespace aimc::floatk
