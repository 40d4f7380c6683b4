// QDynamicGemm: x [..., K] float → DynamicQuantizeLinear (per tensor, at run
// time) → MatMulInteger with a constant [K, N] int8/uint8 weight → the float
// epilogue (qdynamic_epilogue.h). Inputs: x, the weight, its zero point
// (optional: a scalar or one per column). The int32 product is
// dynamic_quant.h's plain loop over rows (OpenMP over rows): the reference
// form and the only one.
//
// On crossbar tiles the matrix holds w − c (c = 128 for a uint8 weight, so
// that the levels are int8; 0 for int8) and the DAC gets x_q − x_zp; the
// digital side adds (c − w_zp[n]) · Σ_k (x_q − x_zp), exactly.
#include <algorithm>

#include "engine/analog/tiled_layer.h"
#include "engine/kernels/float/dynamic_quant.h"
#include "engine/kernels/int8/dynamic_weights.h"
#include "engine/kernels/int8/int8_common.h"
#include "engine/kernels/int8/int8_kernels.h"
#include "engine/kernels/int8/qdynamic_epilogue.h"

namespace aimc::int8k {
namespace {

const Tensor& constant_weight(const Graph& g, const Node& n) {
  const Tensor* w = n.inputs.size() > 1 ? g.initializer(n.inputs[1]) : nullptr;
  if (!w || (w->dtype() != DType::kInt8 && w->dtype() != DType::kUInt8) || w->rank() != 2)
    fail(g, n, "weight must be a constant int8 or uint8 [K, N] matrix");
  return *w;
}

class QDynamicGemmKernel : public Kernel {
 public:
  QDynamicGemmKernel(const Node& n, const Graph& g, const KernelOptions& o)
      : node_(n),
        graph_(g),
        flavor_(o.flavor),
        k_(constant_weight(g, n).dim(0)),
        n_(constant_weight(g, n).dim(1)),
        epilogue_(g, n, n_) {
    const Tensor& w = constant_weight(g, n);
    if (k_ < 1 || n_ < 1) fail(g, n, "weight matrix is empty");
    const std::vector<int32_t> zp = dynamic_weight_zero_points(g, n, w, n_);
    w_kn_.resize(static_cast<std::size_t>(k_ * n_));
    for (int64_t i = 0; i < k_ * n_; ++i) w_kn_[i] = weight_at(w, i) - zp[i % n_];
    if (n.placement.unit == Unit::kCrossbarCjob) fail(g, n, "a Gemm has no C_job mapping");
    if (n.placement.unit != Unit::kArrays) return;
    const int32_t c = tile_code_offset(w);
    std::vector<AnalogBlock> blocks(1);
    blocks[0] = {std::vector<float>(static_cast<std::size_t>(k_ * n_)), static_cast<int>(k_),
                 static_cast<int>(n_), 0};
    for (int64_t j = 0; j < n_; ++j)
      for (int64_t i = 0; i < k_; ++i)
        blocks[0].weights_nk[j * k_ + i] = static_cast<float>(weight_at(w, i * n_ + j) - c);
    DynamicTiles tiles = dynamic_tiles(g, n, o, std::move(blocks), w, zp);
    analog_ = std::move(tiles.layer);
    correction_ = std::move(tiles.correction);
  }

  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = *inputs[0];
    if (x.dtype() != DType::kFloat32 || x.rank() < 1 || x.dim(x.rank() - 1) != k_)
      fail(graph_, node_,
           "expects float [..., " + std::to_string(k_) + "], got " + dtype_name(x.dtype()) + " " +
               shape_str(x.shape()));
    const int64_t rows = x.size() / k_;
    const floatk::DynamicQuant q = floatk::dynamic_quant_params(x.values<float>());
    const int32_t zp = static_cast<int32_t>(q.zero_point);
    std::vector<int32_t> xq(static_cast<std::size_t>(x.size()));
    const float* px = x.data<float>();
#pragma omp parallel for num_threads(floatk::threads_for(ctx, x.size())) schedule(static)
    for (int64_t i = 0; i < x.size(); ++i) xq[i] = floatk::dynamic_quantize(px[i], q) - zp;
    Shape out_shape = x.shape();
    out_shape.back() = n_;
    outputs[0] = new_output(ctx, DType::kFloat32, out_shape, /*zero=*/false);
    float* out = outputs[0].data<float>();
    const auto factors = epilogue_.factors(q.scale);
    if (analog_) {
      run_analog(ctx, x, rows, xq, factors, out);
      return;
    }
    std::vector<int32_t> acc(static_cast<std::size_t>(rows * n_));
    floatk::matmul_int32(xq.data(), w_kn_.data(), rows, k_, n_, acc.data(), ctx.threads);
#pragma omp parallel for num_threads(floatk::threads_for(ctx, rows* n_)) schedule(static)
    for (int64_t r = 0; r < rows; ++r) epilogue_.apply_row(factors, &acc[r * n_], out + r * n_);
  }

 private:
  // One job per row; the rows of one image share its noise stream.
  void run_analog(const RunContext& ctx, const Tensor& x, int64_t rows,
                  const std::vector<int32_t>& xq, const DynamicEpilogue::Factors& factors,
                  float* out) const {
    const int64_t rows_per_image = x.rank() > 2 && x.dim(0) > 0 ? rows / x.dim(0) : 1;
    std::vector<int64_t> row_sum(static_cast<std::size_t>(rows), 0);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t i = 0; i < k_; ++i) row_sum[r] += xq[r * k_ + i];
    const TiledLayer& layer = *analog_;
    auto gather = [&](int, int64_t first, int count, float* v, JobKey* keys, float* job_scale) {
      std::fill(job_scale, job_scale + count, 1.0f);
      for (int p = 0; p < count; ++p) {
        const int64_t r = first + p;
        keys[p] = {static_cast<uint32_t>(ctx.first_image + r / rows_per_image),
                   static_cast<uint32_t>(r % rows_per_image)};
        for (int64_t i = 0; i < k_; ++i) v[p * k_ + i] = layer.dac(xq[r * k_ + i]);
      }
    };
    auto emit = [&](int64_t first, int count, const int32_t* acc) {
      std::vector<int32_t> row(static_cast<std::size_t>(n_));
      for (int p = 0; p < count; ++p) {
        const int64_t r = first + p;
        for (int64_t j = 0; j < n_; ++j)
          row[j] = static_cast<int32_t>(acc[p * n_ + j] + correction_[j] * row_sum[r]);
        epilogue_.apply_row(factors, row.data(), out + r * n_);
      }
    };
    layer.run_int32(ctx, rows, gather, flavor_, emit);
  }

  const Node& node_;
  const Graph& graph_;
  KernelFlavor flavor_;
  int64_t k_ = 0, n_ = 0;
  DynamicEpilogue epilogue_;
  std::vector<int32_t> w_kn_;  // w − w_zp, [K][N]
  std::unique_ptr<TiledLayer> analog_;
  std::vector<int64_t> correction_;  // analog: c − w_zp per column
};

}  // namespace

std::unique_ptr<Kernel> make_qdynamic_gemm(const Node& n, const Graph& g, const KernelOptions& o) {
  return std::make_unique<QDynamicGemmKernel>(n, g, o);
}

}  // namespace aimc::int8k
