// QDynamicConv: x [N, C, spatial...] float (NCHW, as float mode keeps it) →
// DynamicQuantizeLinear (per tensor, at run time) → ConvInteger with a
// constant int8/uint8 weight → the float epilogue (qdynamic_epilogue.h).
// Inputs: x, the weight, its zero point (optional: a scalar or one per
// output channel); Conv's attributes. The int32 convolution is
// dynamic_quant.h's plain loop (OpenMP over planes): the reference form and
// the only one.
//
// On crossbar tiles (a block per group) the matrix holds w − c (c = 128 for a uint8
// weight, 0 for int8), one job per output pixel gathers x_q − x_zp through
// the DAC (padding gives 0), and the digital side adds
// (c − w_zp[m]) · Σ (x_q − x_zp) over the job's window, exactly.
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
  if (!w || (w->dtype() != DType::kInt8 && w->dtype() != DType::kUInt8) || w->rank() < 3 ||
      w->rank() > 5)
    fail(g, n, "weight must be a constant int8 or uint8 [M, C/group, kernel...] tensor");
  return *w;
}

class QDynamicConvKernel : public Kernel {
 public:
  QDynamicConvKernel(const Node& n, const Graph& g, const KernelOptions& o)
      : node_(n),
        graph_(g),
        flavor_(o.flavor),
        attrs_(floatk::window_attrs(g, n)),
        out_c_(constant_weight(g, n).dim(0)),
        epilogue_(g, n, out_c_) {
    const Tensor& w = constant_weight(g, n);
    group_ = n.attr_int("group", 1);
    if (group_ < 1 || out_c_ % group_ != 0) fail(g, n, "group does not divide the output channels");
    kernel_.assign(w.shape().begin() + 2, w.shape().end());
    if (!attrs_.kernel_shape.empty() && attrs_.kernel_shape != kernel_)
      fail(g, n, "kernel_shape contradicts the weight " + shape_str(w.shape()));
    cin_g_ = w.dim(1);
    const int64_t per_out = w.size() / out_c_;
    const std::vector<int32_t> zp = dynamic_weight_zero_points(g, n, w, out_c_);
    w32_.resize(static_cast<std::size_t>(w.size()));
    for (int64_t i = 0; i < w.size(); ++i) w32_[i] = weight_at(w, i) - zp[i / per_out];
    if (!on_crossbar(n.placement.unit)) return;
    if (n.placement.unit != Unit::kArrays)
      fail(g, n, "placement '" + unit_name(n.placement.unit) + "' cannot run this conv");
    // ONNX [M, C/group, kernel] is already one row of K = C/group·taps
    // weights per column; a grouped conv is one block per group.
    const int32_t c = tile_code_offset(w);
    const int64_t per_group = out_c_ / group_;
    std::vector<AnalogBlock> blocks(static_cast<std::size_t>(group_));
    for (int64_t gi = 0; gi < group_; ++gi) {
      AnalogBlock& b = blocks[gi];
      b.k = static_cast<int>(per_out);
      b.n = static_cast<int>(per_group);
      b.first_channel = static_cast<int>(gi * per_group);
      for (int64_t i = gi * per_group * per_out; i < (gi + 1) * per_group * per_out; ++i)
        b.weights_nk.push_back(static_cast<float>(weight_at(w, i) - c));
    }
    DynamicTiles tiles = dynamic_tiles(g, n, o, std::move(blocks), w, zp);
    analog_ = std::move(tiles.layer);
    correction_ = std::move(tiles.correction);
  }

  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = *inputs[0];
    if (x.dtype() != DType::kFloat32 || x.rank() != static_cast<int>(kernel_.size()) + 2 ||
        x.dim(1) != cin_g_ * group_)
      fail(graph_, node_,
           "expects float [N, " + std::to_string(cin_g_ * group_) + ", spatial...], got " +
               dtype_name(x.dtype()) + " " + shape_str(x.shape()));
    floatk::IntConvShape s;
    s.window = floatk::resolve_window(graph_, node_, attrs_, x.shape(), kernel_);
    s.batch = x.dim(0), s.in_c = x.dim(1), s.out_c = out_c_, s.group = group_;
    const floatk::DynamicQuant q = floatk::dynamic_quant_params(x.values<float>());
    const int32_t zp = static_cast<int32_t>(q.zero_point);
    std::vector<int32_t> xq(static_cast<std::size_t>(x.size()));
    const float* px = x.data<float>();
#pragma omp parallel for num_threads(floatk::threads_for(ctx, x.size())) schedule(static)
    for (int64_t i = 0; i < x.size(); ++i) xq[i] = floatk::dynamic_quantize(px[i], q) - zp;
    Shape out_shape{s.batch, out_c_};
    for (std::size_t i = 3 - kernel_.size(); i < 3; ++i) out_shape.push_back(s.window.out[i]);
    outputs[0] = new_output(ctx, DType::kFloat32, out_shape, /*zero=*/false);
    float* out = outputs[0].data<float>();
    const auto factors = epilogue_.factors(q.scale);
    const int64_t plane = s.window.out_size();
    std::vector<int32_t> acc(static_cast<std::size_t>(s.batch * out_c_ * plane));
    if (analog_) {
      run_analog(ctx, s, xq, acc.data());
    } else {
      floatk::conv_int32(s, xq.data(), w32_.data(), acc.data(), ctx.threads);
    }
    const int64_t planes = s.batch * out_c_;
#pragma omp parallel for num_threads(floatk::threads_for(ctx, planes* plane)) schedule(static)
    for (int64_t p = 0; p < planes; ++p)
      epilogue_.apply(factors, p % out_c_, &acc[p * plane], plane, out + p * plane);
  }

 private:
  // One job per output pixel: the window of x_q − x_zp in [c][kernel] order,
  // over the block's group of input channels.
  void run_analog(const RunContext& ctx, const floatk::IntConvShape& s,
                  const std::vector<int32_t>& xq, int32_t* acc) const {
    const floatk::Window& w = s.window;
    const int64_t plane = w.out_size(), in_plane = w.in_size(), k = analog_->matrix(0).rows();
    const int64_t per_group = out_c_ / group_;
    const TiledLayer& layer = *analog_;
    // Σ (x_q − x_zp) of each job's window, per group.
    std::vector<int64_t> window_sum(static_cast<std::size_t>(s.batch * plane * group_), 0);
    auto gather = [&](int block, int64_t first, int count, float* v, JobKey* keys,
                      float* job_scale) {
      std::fill(job_scale, job_scale + count, 1.0f);
      for (int p = 0; p < count; ++p) {
        const int64_t job = first + p, b = job / plane, pixel = job % plane;
        keys[p] = {static_cast<uint32_t>(ctx.first_image + b), static_cast<uint32_t>(pixel)};
        const int64_t o[3] = {pixel / (w.out[1] * w.out[2]), pixel / w.out[2] % w.out[1],
                              pixel % w.out[2]};
        float* dst = v + p * k;
        int64_t sum = 0;
        for (int64_t c = block * cin_g_; c < (block + 1) * cin_g_; ++c)
          for (int64_t kd = 0; kd < w.kernel[0]; ++kd)
            for (int64_t kh = 0; kh < w.kernel[1]; ++kh)
              for (int64_t kw = 0; kw < w.kernel[2]; ++kw) {
                const int64_t kk[3] = {kd, kh, kw};
                int64_t off = 0;
                bool inside = true;
                for (int d = 0; d < 3; ++d) {
                  const int64_t i = o[d] * w.stride[d] - w.pad_begin[d] + kk[d] * w.dilation[d];
                  inside = inside && i >= 0 && i < w.in[d];
                  off = off * w.in[d] + i;
                }
                const int32_t xv = inside ? xq[(b * s.in_c + c) * in_plane + off] : 0;
                sum += xv;
                *dst++ = layer.dac(xv);
              }
        window_sum[job * group_ + block] = sum;  // gathered once per block, by one thread
      }
    };
    auto emit = [&](int64_t first, int count, const int32_t* y) {
      for (int p = 0; p < count; ++p) {
        const int64_t job = first + p, b = job / plane, pixel = job % plane;
        for (int64_t m = 0; m < out_c_; ++m)
          acc[(b * out_c_ + m) * plane + pixel] = static_cast<int32_t>(
              y[p * out_c_ + m] + correction_[m] * window_sum[job * group_ + m / per_group]);
      }
    };
    layer.run_int32(ctx, s.batch * plane, gather, flavor_, emit);
  }

  const Node& node_;
  const Graph& graph_;
  KernelFlavor flavor_;
  floatk::WindowAttrs attrs_;
  int64_t out_c_ = 0, cin_g_ = 0, group_ = 1;
  std::vector<int64_t> kernel_;
  DynamicEpilogue epilogue_;
  std::vector<int32_t> w32_;  // w − w_zp, ONNX layout
  std::unique_ptr<TiledLayer> analog_;
  std::vector<int64_t> correction_;  // analog: c − w_zp per output channel
};

}  // namespace

std::unique_ptr<Kernel> make_qdynamic_conv(const Node& n, const Graph& g, const KernelOptions& o) {
  return std::make_unique<QDynamicConvKernel>(n, g, o);
}

}  // namespace aimc::int8k
