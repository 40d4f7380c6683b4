// LSTM (ONNX opsets 7 and 14), gates in ONNX order i, o, f, c:
//   i = f(Xt·Wiᵀ + Ht-1·Riᵀ + Pi ⊙ Ct-1 + Wbi + Rbi)
//   f = f(Xt·Wfᵀ + Ht-1·Rfᵀ + Pf ⊙ Ct-1 + Wbf + Rbf)   (1 − i with input_forget)
//   c = g(Xt·Wcᵀ + Ht-1·Rcᵀ + Wbc + Rbc)
//   Ct = f ⊙ Ct-1 + i ⊙ c
//   o = f(Xt·Woᵀ + Ht-1·Roᵀ + Po ⊙ Ct + Wbo + Rbo)
//   Ht = o ⊙ h(Ct)
// `clip` bounds the input of every activation, h's included; the cell state
// itself is kept unclipped (as onnxruntime).
#include "engine/kernels/float/float_kernels.h"
#include "engine/kernels/float/recurrent_kernel.h"

namespace aimc::floatk {
namespace {

struct LstmCell {
  const Activation &f, &g, &h;
  const float* bias;  // Wb + Rb, 4·hidden
  const float* peep;  // i, o, f; null without P
  bool input_forget;
  int64_t hidden;

  // One sequence's step: xp and hp are its input and state projections.
  void step(const RecurrentRun& run, const float* xp, const float* hp, float* ht, float* ct) const {
    const int64_t n = hidden;
    for (int64_t j = 0; j < n; ++j) {
      const auto pre = [&](int64_t gate) {
        return xp[gate * n + j] + hp[gate * n + j] + bias[gate * n + j];
      };
      const float c_prev = ct[j];
      const float i = f(run.clip(pre(0) + (peep ? peep[j] * c_prev : 0.0f)));
      const float fg =
          input_forget ? 1.0f - i : f(run.clip(pre(2) + (peep ? peep[2 * n + j] * c_prev : 0.0f)));
      const float c = g(run.clip(pre(3)));
      const float c_new = fg * c_prev + i * c;
      const float o = f(run.clip(pre(1) + (peep ? peep[n + j] * c_new : 0.0f)));
      ct[j] = c_new;
      ht[j] = o * h(run.clip(c_new));
    }
  }
};

class LstmKernel : public RecurrentKernel {
 public:
  using RecurrentKernel::RecurrentKernel;

 protected:
  void run_direction(const RecurrentRun& run, int d, const RecurrentWeights& w) const override {
    const int64_t batch = run.batch(), n = run.hidden(), gh = 4 * n;
    const std::vector<float> xproj = run.project_inputs(w);
    const std::vector<float> bias = run.summed_bias(d);
    const Activation* act = &attrs().activations[static_cast<std::size_t>(d) * 3];
    const LstmCell cell{act[0], act[1], act[2], bias.data(), run.peepholes(d), attrs().input_forget,
                        n};
    std::vector<float> h = run.initial_state(kInInitialH, d);
    std::vector<float> c = run.initial_state(kInInitialC, d);
    std::vector<float> hproj(static_cast<std::size_t>(batch * gh));
    for (int64_t s = 0; s < run.max_length(); ++s) {
      run.project_state(w, d, s, h.data(), 0, 4, hproj.data(), gh);
      for (int64_t b = 0; b < batch; ++b) {
        if (s >= run.length(b)) continue;  // this sequence has ended: its state stays
        const int64_t t = run.time(d, s, b);
        cell.step(run, &xproj[run.x_row(t, b) * gh], &hproj[b * gh], &h[b * n], &c[b * n]);
        run.store_step(d, t, b, &h[b * n]);
      }
    }
    run.store_final(d, h.data(), c.data());
  }
};

}  // namespace

std::unique_ptr<Kernel> make_lstm_kernel(const Node& n, const Graph& g, RecurrentAttrs a,
                                         const KernelOptions& o) {
  return std::make_unique<LstmKernel>(n, g, std::move(a), o);
}

std::unique_ptr<Kernel> make_lstm(const Node& n, const Graph& g, const KernelOptions& o) {
  return make_lstm_kernel(n, g, kernel_recurrent_attrs(n, g), o);
}

}  // namespace aimc::floatk
