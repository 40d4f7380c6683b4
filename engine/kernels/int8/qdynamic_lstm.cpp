// QDynamicLSTM (qdynamic_lstm.h): onnxruntime's DynamicQuantizeLSTM, its
// sequences run side by side, each quantized on its own. The two integer
// products are dynamic_quant.h's plain int32 loop (the reference form, and
// the only one) or, on crossbar tiles, the tiles' MVMs: the matrices hold
// w − c (c = 128 for uint8 weights, 0 for int8), the DAC gets x_q − x_zp,
// and the digital side adds (c − w_zp[n]) · Σ_k (x_q − x_zp), exactly, as
// QDynamicGemm does.
#include "engine/kernels/int8/qdynamic_lstm.h"

#include <algorithm>
#include <memory>

#include "engine/analog/tiled_layer.h"
#include "engine/kernels/float/dynamic_quant.h"
#include "engine/kernels/float/float_common.h"
#include "engine/kernels/int8/dynamic_weights.h"
#include "engine/kernels/int8/int8_common.h"
#include "engine/kernels/int8/int8_kernels.h"
#include "engine/kernels/int8/no_fma.h"

namespace aimc::int8k {
namespace {

// One of the two matrices, [K][N] with N = 4·hidden: its codes minus zero
// points, its float scales (1 or N) and, on tiles, its layer.
struct QMatrix {
  int64_t k = 0, n = 0;
  std::vector<int32_t> w_kn;  // w − w_zp
  std::vector<float> scale;
  std::unique_ptr<TiledLayer> tiles;
  std::vector<int64_t> correction;  // c − w_zp per column
  std::string name;                 // of its calibrated ranges
};

// A row of the products: its source rows of codes, and its noise key.
struct Job {
  int64_t row = 0;
  JobKey key;
};

class QDynamicLstmKernel : public Kernel {
 public:
  QDynamicLstmKernel(const Node& n, const Graph& g, const KernelOptions& o)
      : node_(n), graph_(g), flavor_(o.flavor) {
    std::vector<std::optional<Shape>> shapes(n.inputs.size());
    for (std::size_t i = 0; i < n.inputs.size(); ++i)
      if (const Tensor* t = n.inputs[i].empty() ? nullptr : g.initializer(n.inputs[i]))
        shapes[i] = t->shape();
    dims_ = check_qdynamic_lstm(n, shapes, [&](const std::string& w) { fail(g, n, w); });
    w_ = matrix(kQlW, kQlWScale, kQlWZeroPoint, "W");
    r_ = matrix(kQlR, kQlRScale, kQlRZeroPoint, "R");
    if (n.placement.unit == Unit::kCrossbarCjob) fail(g, n, "an LSTM has no C_job mapping");
    if (n.placement.unit != Unit::kArrays) return;
    if (!o.analog) fail(g, n, "placed on the crossbar outside analog mode");
    put_on_tiles(w_, 0, *o.analog);
    put_on_tiles(r_, 1, *o.analog);
    calibrated_ = o.analog->config.adc_range == AdcRangeMode::kCalibrated;
  }

  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = floatk::required_input(graph_, node_, inputs, kQlX);
    floatk::expect_dtype(graph_, node_, x, DType::kFloat32, "X");
    std::vector<std::optional<Shape>> shapes(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i)
      if (inputs[i]) shapes[i] = inputs[i]->shape();
    const QLstmDims d =
        check_qdynamic_lstm(node_, shapes, [&](const std::string& w) { fail(graph_, node_, w); });
    if (d.input != w_.k) fail(graph_, node_, "X's input size does not match W");
    const std::vector<Shape> out_shapes = qdynamic_lstm_output_shapes(d);
    float* out[3] = {nullptr, nullptr, nullptr};
    for (std::size_t k = 0; k < outputs.size() && k < 3; ++k) {
      if (k >= node_.outputs.size() || node_.outputs[k].empty()) continue;
      outputs[k] = new_output(ctx, DType::kFloat32, out_shapes[k], /*zero=*/true);
      out[k] = outputs[k].data<float>();
    }
    const std::vector<float> bias = summed_bias(inputs);
    Run r{ctx,
          d,
          x.data<float>(),
          state(inputs, kQlInitialH),
          state(inputs, kQlInitialC),
          bias.empty() ? nullptr : bias.data(),
          out};
    if (r_.tiles && calibrated_ && ctx.state.ranges_sink && !ctx.state.ranges_sink->find(r_.name))
      measure_state_ranges(r);
    run_all(r, nullptr);
  }

 private:
  struct Run {
    const RunContext& ctx;
    QLstmDims d;
    const float* x;
    const float *h0, *c0;  // [batch, hidden] or null (zeros)
    const float* bias;     // Wb + Rb, 4·hidden, or null
    float* const* out;     // Y, Y_h, Y_c, each may be null
  };

  QMatrix matrix(std::size_t wi, std::size_t si, std::size_t zi, const std::string& what) const {
    const Tensor* w = graph_.initializer(node_.inputs[wi]);
    const Tensor* s = graph_.initializer(node_.inputs[si]);
    const Tensor* z = graph_.initializer(node_.inputs[zi]);
    if (!w || (w->dtype() != DType::kInt8 && w->dtype() != DType::kUInt8) || w->rank() != 3)
      fail(graph_, node_, what + " must be a constant int8 or uint8 tensor");
    if (!s || s->dtype() != DType::kFloat32)
      fail(graph_, node_, what + "_scale must be a constant float tensor");
    if (!z || z->dtype() != w->dtype())
      fail(graph_, node_, what + "_zero_point must be a constant of " + what + "'s type");
    QMatrix m;
    m.k = w->dim(1);
    m.n = w->dim(2);
    if (m.k < 1) fail(graph_, node_, what + " is empty");
    const auto sv = s->values<float>();
    m.scale.assign(sv.begin(), sv.end());
    std::vector<int32_t> zp(static_cast<std::size_t>(m.n));
    for (int64_t j = 0; j < m.n; ++j) zp[j] = weight_at(*z, z->size() == 1 ? 0 : j);
    m.w_kn.resize(static_cast<std::size_t>(m.k * m.n));
    for (int64_t i = 0; i < m.k * m.n; ++i) m.w_kn[i] = weight_at(*w, i) - zp[i % m.n];
    const int32_t c = tile_code_offset(*w);
    for (int32_t v : zp) m.correction.push_back(c - v);
    m.name = layer_name(node_) + "/" + what;
    return m;
  }

  // The matrix's tiles: w − c, one block of N columns of K rows.
  void put_on_tiles(QMatrix& m, uint32_t which, const AnalogBackend& backend) const {
    std::vector<AnalogBlock> blocks(1);
    blocks[0] = {std::vector<float>(static_cast<std::size_t>(m.k * m.n)), static_cast<int>(m.k),
                 static_cast<int>(m.n), 0};
    for (int64_t j = 0; j < m.n; ++j)
      for (int64_t i = 0; i < m.k; ++i)
        // w − c = (w − zp) − (c − zp)
        blocks[0].weights_nk[j * m.k + i] =
            static_cast<float>(m.w_kn[i * m.n + j] - m.correction[j]);
    // Device draws keyed apart per matrix, as the float recurrent kernel does:
    // the node's index in the low 18 bits, the matrix above.
    constexpr uint32_t kIndexBits = 18;
    const uint32_t index = layer_index(graph_, node_);
    if (index >= (1u << kIndexBits))
      fail(graph_, node_, "too many nodes before it to key its crossbar matrices apart");
    m.tiles = std::make_unique<TiledLayer>(std::move(blocks), static_cast<int>(m.n),
                                           index | which << kIndexBits, m.name, backend, true,
                                           backend.config.dac.full_scale);
  }

  const float* state(std::span<const Tensor* const> inputs, std::size_t i) const {
    const Tensor* t = floatk::optional_input(inputs, i);
    if (!t) return nullptr;
    floatk::expect_dtype(graph_, node_, *t, DType::kFloat32, node_.inputs[i]);
    return t->data<float>();
  }

  // onnxruntime's LoadBias: Wb + Rb per gate, in float.
  std::vector<float> summed_bias(std::span<const Tensor* const> inputs) const {
    const Tensor* b = floatk::optional_input(inputs, kQlB);
    if (!b) return {};
    floatk::expect_dtype(graph_, node_, *b, DType::kFloat32, "B");
    const int64_t gh = 4 * dims_.hidden;
    std::vector<float> out(static_cast<std::size_t>(gh));
    for (int64_t i = 0; i < gh; ++i) out[i] = b->data<float>()[i] + b->data<float>()[gh + i];
    return out;
  }

  // acc[rows][N] = Σ_k codes[row][k] · (w − zp)[k][n], exactly (int32).
  // `digital` keeps a matrix on tiles digital (a calibration's first pass).
  void product(const RunContext& ctx, const QMatrix& m, const std::vector<int32_t>& codes,
               std::span<const Job> jobs, int32_t* acc, bool digital) const {
    const auto rows = static_cast<int64_t>(jobs.size());
    if (!m.tiles || digital) {
      // Jobs name consecutive rows from 0 in the digital path; a row's
      // sum does not depend on how the rows are split over threads.
      floatk::matmul_int32(codes.data(), m.w_kn.data(), rows, m.k, m.n, acc, ctx.threads);
      return;
    }
    const TiledLayer& layer = *m.tiles;
    auto gather = [&](int, int64_t first, int count, float* v, JobKey* keys, float* job_scale) {
      std::fill(job_scale, job_scale + count, 1.0f);
      for (int p = 0; p < count; ++p) {
        const Job& j = jobs[first + p];
        keys[p] = j.key;
        for (int64_t i = 0; i < m.k; ++i) v[p * m.k + i] = layer.dac(codes[j.row * m.k + i]);
      }
    };
    auto emit = [&](int64_t first, int count, const int32_t* a) {
      for (int p = 0; p < count; ++p) {
        const Job& j = jobs[first + p];
        int64_t sum = 0;
        for (int64_t i = 0; i < m.k; ++i) sum += codes[j.row * m.k + i];
        for (int64_t c = 0; c < m.n; ++c)
          acc[(first + p) * m.n + c] = static_cast<int32_t>(a[p * m.n + c] + m.correction[c] * sum);
      }
    };
    layer.run_int32(ctx, rows, gather, flavor_, emit);
  }

  // Codes minus zero point of `count` floats, with their parameters.
  static LstmQuant quantize(const float* v, int64_t count, int32_t* codes) {
    const LstmQuant q =
        lstm_quant_params(std::span<const float>(v, static_cast<std::size_t>(count)));
    for (int64_t i = 0; i < count; ++i) codes[i] = lstm_quantize(v[i], q) - q.zero_point;
    return q;
  }

  // Float of an accumulator times x_scale · w_scale (one rounding each, as
  // MLAS's scale output processor).
  static std::vector<float> multipliers(float x_scale, const std::vector<float>& w_scale) {
    std::vector<float> m(w_scale.size());
    for (std::size_t i = 0; i < m.size(); ++i) m[i] = x_scale * w_scale[i];
    return m;
  }

  // Runs the sequences side by side, each quantized on its own, so that
  // every step's products of all of them are one call (one tile run); with
  // `states`, digitally, appending every step's H_{t−1} codes ([t][b]).
  void run_all(const Run& r, std::vector<int32_t>* states) const;
  void measure_state_ranges(const Run& r) const;

  const Node& node_;
  const Graph& graph_;
  KernelFlavor flavor_;
  QLstmDims dims_;
  QMatrix w_, r_;
  bool calibrated_ = false;
};

void QDynamicLstmKernel::run_all(const Run& r, std::vector<int32_t>* states) const {
  const int64_t seq = r.d.seq, batch = r.d.batch, k = w_.k, h = dims_.hidden, gh = 4 * h;
  const bool digital = states != nullptr;
  auto image = [&](int64_t b) { return static_cast<uint32_t>(r.ctx.first_image + b); };
  // Each sequence's X of all steps, quantized once (onnxruntime: one GEMM
  // over all steps), rows [b][t].
  std::vector<int32_t> xq(static_cast<std::size_t>(batch * seq * k));
  std::vector<std::vector<float>> mx(static_cast<std::size_t>(batch));
  std::vector<Job> jobs;
  std::vector<float> xs(static_cast<std::size_t>(seq * k));
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t t = 0; t < seq; ++t) std::copy_n(r.x + (t * batch + b) * k, k, &xs[t * k]);
    mx[b] = multipliers(quantize(xs.data(), seq * k, &xq[b * seq * k]).scale, w_.scale);
    for (int64_t t = 0; t < seq; ++t) jobs.push_back({b * seq + t, {image(b), uint32_t(t)}});
  }
  std::vector<int32_t> acc(static_cast<std::size_t>(batch * seq * gh));
  if (!jobs.empty()) product(r.ctx, w_, xq, jobs, acc.data(), digital);
  std::vector<float> iofc(acc.size());
  for (int64_t i = 0; i < batch * seq * gh; ++i) {
    const std::vector<float>& m = mx[i / (seq * gh)];
    iofc[i] = static_cast<float>(acc[i]) * m[m.size() == 1 ? 0 : i % gh];
  }
  std::vector<float> hv(static_cast<std::size_t>(batch * h), 0.0f), cv(hv);
  if (r.h0) std::copy_n(r.h0, batch * h, hv.begin());
  if (r.c0) std::copy_n(r.c0, batch * h, cv.begin());
  std::vector<int32_t> hq(hv.size()), hacc(static_cast<std::size_t>(batch * gh));
  std::vector<float> h_scale(static_cast<std::size_t>(batch));
  std::vector<Job> step(static_cast<std::size_t>(batch));
  for (int64_t t = 0; t < seq; ++t) {
    for (int64_t b = 0; b < batch; ++b) {
      h_scale[b] = quantize(&hv[b * h], h, &hq[b * h]).scale;
      step[b] = {b, {image(b), static_cast<uint32_t>(seq + t)}};
    }
    if (states) states->insert(states->end(), hq.begin(), hq.end());
    if (batch > 0) product(r.ctx, r_, hq, step, hacc.data(), digital);
    for (int64_t b = 0; b < batch; ++b) {
      const std::vector<float> mh = multipliers(h_scale[b], r_.scale);
      float* pre = &iofc[(b * seq + t) * gh];
      for (int64_t c = 0; c < gh; ++c)
        pre[c] = rounded(
            pre[c] + rounded(static_cast<float>(hacc[b * gh + c]) * mh[mh.size() == 1 ? 0 : c]));
      qlstm_gates(pre, r.bias, h, &cv[b * h], &hv[b * h]);
      if (r.out[0]) std::copy_n(&hv[b * h], h, r.out[0] + (t * batch + b) * h);
    }
  }
  if (r.out[1]) std::copy(hv.begin(), hv.end(), r.out[1]);
  if (r.out[2]) std::copy(cv.begin(), cv.end(), r.out[2]);
}

// A calibration run: R's inputs are the states its own products make, so a
// first pass with both products digital collects them, and R's ADC ranges
// are measured on all of them (as the float recurrent kernel does).
void QDynamicLstmKernel::measure_state_ranges(const Run& r) const {
  std::vector<int32_t> states;
  float* none[3] = {nullptr, nullptr, nullptr};
  const Run quiet{r.ctx, r.d, r.x, r.h0, r.c0, r.bias, none};
  run_all(quiet, &states);
  std::vector<Job> jobs;
  for (int64_t t = 0; t < r.d.seq; ++t)
    for (int64_t b = 0; b < r.d.batch; ++b)
      jobs.push_back(
          {static_cast<int64_t>(jobs.size()),
           {static_cast<uint32_t>(r.ctx.first_image + b), static_cast<uint32_t>(r.d.seq + t)}});
  std::vector<int32_t> acc(jobs.size() * static_cast<std::size_t>(r_.n));
  if (!jobs.empty()) product(r.ctx, r_, states, jobs, acc.data(), false);
}

}  // namespace

std::unique_ptr<Kernel> make_qdynamic_lstm(const Node& n, const Graph& g, const KernelOptions& o) {
  return std::make_unique<QDynamicLstmKernel>(n, g, o);
}

}  // namespace aimc::int8k
