// QConv: int8 convolution (standard, pointwise, depthwise, grouped) lowered
// from DequantizeLinear -> Conv -> QuantizeLinear.
//
// Weights with zero points: the tiles hold the int8 codes w, the DAC gets
// x − zx, and the digital side subtracts zw[oc] · Σ (x − zx) over the job's
// window (its group's channels), exactly.
#include <algorithm>
#include <array>

#include "engine/analog/analog_backend.h"
#include "engine/analog/tiled_layer.h"
#include "engine/kernels/int8/analog_requant.h"
#include "engine/kernels/int8/conv_int8_fast.h"
#include "engine/kernels/int8/dac_gather.h"
#include "engine/kernels/int8/im2col.h"
#include "engine/kernels/int8/int8_common.h"
#include "engine/kernels/int8/int8_kernels.h"
#include "engine/kernels/int8/weight_zero_points.h"

namespace aimc::int8k {
namespace {

// Zero points, per-channel multipliers and the output range of the node.
quant::ConvQuant conv_quant(const Graph& g, const Node& n, int out_c) {
  const QuantParams& qin = quant_of(g, n, n.inputs[0]);
  const QuantParams& qw = quant_of(g, n, n.inputs[1]);
  const QuantParams& qout = quant_of(g, n, n.outputs[0]);
  if (qw.scale.size() != 1 && qw.scale.size() != static_cast<std::size_t>(out_c))
    fail(g, n, "weight scales must be per-tensor or one per output channel");
  if (qw.zero_point.size() > 1 && qw.zero_point.size() != static_cast<std::size_t>(out_c))
    fail(g, n, "weight zero points must be per-tensor or one per output channel");
  quant::ConvQuant q;
  q.input_zero_point = qin.zero_point0();
  q.weight_zero_point = qw.zero_point;
  q.output_zero_point = qout.zero_point0();
  q.range = activation_range(n);
  for (int oc = 0; oc < out_c; ++oc) {
    const double ws = qw.scale.size() == 1 ? qw.scale[0] : qw.scale[oc];
    // TFLite PopulateConvolutionQuantizationParams: products in double.
    q.per_channel.push_back(checked_multiplier(
        g, n, static_cast<double>(qin.scale0()) * ws / static_cast<double>(qout.scale0())));
  }
  return q;
}

class QConvKernel : public Kernel {
 public:
  QConvKernel(const Node& n, const Graph& g, const KernelOptions& o)
      : node_(n), graph_(g), flavor_(o.flavor) {
    if (n.inputs.size() < 2) fail(g, n, "needs input and weight");
    const Tensor* w = g.initializer(n.inputs[1]);
    if (!w || w->dtype() != DType::kInt8 || w->rank() != 4)
      fail(g, n, "weight must be a constant int8 [O,I,kh,kw] tensor");
    const int out_c = static_cast<int>(w->dim(0));
    const int cin_g = static_cast<int>(w->dim(1));
    const int kh = static_cast<int>(w->dim(2)), kw = static_cast<int>(w->dim(3));
    const quant::ConvGeometry geo = conv_geometry(g, n, kh, kw);
    if (geo.kernel_h != kh || geo.kernel_w != kw)
      fail(g, n, "kernel_shape contradicts the weight shape");
    if (out_c % geo.groups != 0) fail(g, n, "group does not divide the output channels");
    const int in_c = cin_g * geo.groups;
    const quant::ConvQuant q = conv_quant(g, n, out_c);
    // ONNX [O, I/g, kh, kw] -> OHWI, the layout NHWC inputs want.
    std::vector<int8_t> ohwi(w->size());
    const int8_t* src = w->data<int8_t>();
    for (int o = 0; o < out_c; ++o)
      for (int i = 0; i < cin_g; ++i)
        for (int y = 0; y < kh; ++y)
          for (int x = 0; x < kw; ++x)
            ohwi[((int64_t{o} * kh + y) * kw + x) * cin_g + i] =
                src[((int64_t{o} * cin_g + i) * kh + y) * kw + x];
    const int32_t* bias = nullptr;
    if (n.inputs.size() > 2 && !n.inputs[2].empty()) {
      const Tensor* b = g.initializer(n.inputs[2]);
      if (!b || b->dtype() != DType::kInt32 || b->size() != out_c)
        fail(g, n, "bias must be a constant int32 [O] tensor");
      bias = b->data<int32_t>();
    }
    packed_ = pack_conv(geo, q, in_c, out_c, ohwi.data(), bias);
    // On the crossbar exactly when the placement pass put it there: the
    // whole matrix (group 1), one block per group (grouped), or C_job-channel
    // blocks (depthwise).
    if (on_crossbar(n.placement.unit)) {
      const bool depthwise = geo.groups == in_c && geo.groups == out_c;
      const int cjob = n.placement.unit == Unit::kCrossbarCjob ? n.placement.cjob : 0;
      if (!o.analog) fail(g, n, "placed on the crossbar outside analog mode");
      if (cjob > 0 ? !depthwise : depthwise)
        fail(g, n, "placement '" + unit_name(n.placement.unit) + "' cannot run this conv");
      if (n.placement.unit == Unit::kCrossbarCjob && cjob < 1) fail(g, n, "C_job must be positive");
      const AnalogConfig& config = o.analog->config;
      requant_ = make_channel_requant(q.per_channel, q.output_zero_point, q.range);
      requant_.offset = packed_.bias;
      weight_zp_ = weight_zero_points_per_channel(q.weight_zero_point, out_c);
      analog_ = std::make_unique<TiledLayer>(
          analog_blocks(ohwi, kh * kw, cin_g, out_c, cjob, geo.groups), out_c, layer_index(g, n),
          layer_name(n), *o.analog, true, config.dac.full_scale);
      cjob_ = cjob;
      cin_g_ = cin_g;
      // The DAC output of every int8 input value (x − zp through the DAC):
      // one table lookup per gathered element instead of a call.
      std::array<float, 256> table;
      for (int v = -128; v < 128; ++v)
        table[static_cast<uint8_t>(v)] = analog_->dac(v - q.input_zero_point);
      dac_of_input_ = DacTable(table, q.input_zero_point);
    }
    ohwi_ = std::move(ohwi);  // the reference flavor reads the plain layout
  }

  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const quant::Nhwc in = nhwc_of(graph_, node_, *inputs[0]);
    if (in.c != packed_.in_channels) {
      fail(graph_, node_,
           "input has " + std::to_string(in.c) + " channels, weight expects " +
               std::to_string(packed_.in_channels));
    }
    const auto& geo = packed_.geometry;
    quant::Nhwc out{in.n, geo.out_h(in.h), geo.out_w(in.w), packed_.out_channels};
    if (out.h < 1 || out.w < 1) fail(graph_, node_, "kernel larger than the padded input");
    outputs[0] = new_output(ctx, DType::kInt8, {out.n, out.h, out.w, out.c}, /*zero=*/false);
    if (analog_) {
      run_analog(ctx, in, inputs[0]->data<int8_t>(), out, outputs[0].data<int8_t>());
    } else if (flavor_ == KernelFlavor::kReference) {
      quant::conv_int8_reference(geo, packed_.quant, in, inputs[0]->data<int8_t>(),
                                 packed_.out_channels, ohwi_.data(), packed_.bias.data(), out,
                                 outputs[0].data<int8_t>());
    } else {
      conv_int8_fast(packed_, in, inputs[0]->data<int8_t>(), out, outputs[0].data<int8_t>(),
                     ctx.threads);
    }
  }

 private:
  // The crossbar's weight blocks: the OHWI matrix of each group (one block
  // for group 1: output channel o's row holds its (ky, kx, c) weights); for a
  // depthwise conv, C_job-channel block-diagonal matrices (rows (ky, kx, c)
  // of the block, column o holding channel o's taps).
  static std::vector<AnalogBlock> analog_blocks(const std::vector<int8_t>& ohwi, int taps,
                                                int cin_g, int out_c, int cjob, int groups) {
    std::vector<AnalogBlock> blocks;
    if (cjob == 0) {
      const int per_group = out_c / groups;
      const std::size_t k = std::size_t(taps) * cin_g;
      for (int gi = 0; gi < groups; ++gi)
        blocks.push_back({std::vector<float>(ohwi.begin() + gi * per_group * k,
                                             ohwi.begin() + (gi + 1) * per_group * k),
                          static_cast<int>(k), per_group, gi * per_group});
      return blocks;
    }
    for (int c0 = 0; c0 < out_c; c0 += cjob) {
      AnalogBlock b;
      b.n = std::min(cjob, out_c - c0);
      b.k = taps * b.n;
      b.first_channel = c0;
      b.weights_nk.assign(std::size_t(b.k) * b.n, 0.0f);
      for (int o = 0; o < b.n; ++o)
        for (int t = 0; t < taps; ++t)
          b.weights_nk[std::size_t(o) * b.k + t * b.n + o] = ohwi[std::size_t(c0 + o) * taps + t];
      blocks.push_back(std::move(b));
    }
    return blocks;
  }

  // One job per output pixel: im2col of (x − zp_in) through the DAC, padding
  // contributing 0.
  void run_analog(const RunContext& ctx, const quant::Nhwc& in, const int8_t* input,
                  const quant::Nhwc& out, int8_t* output) const {
    const auto& g = packed_.geometry;
    // A 1x1 conv with stride 1 and no padding reads its jobs' inputs as one
    // contiguous run of pixels.
    const bool contiguous = cjob_ == 0 && g.groups == 1 && g.kernel_h == 1 && g.kernel_w == 1 &&
                            g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 &&
                            g.pad_left == 0 && out.h == in.h && out.w == in.w;
    auto gather = [&](int block, int64_t first, int count, float* x, JobKey* keys,
                      float* job_scale) {
      std::fill(job_scale, job_scale + count, 1.0f);
      const int64_t plane = int64_t{out.h} * out.w;
      int b = static_cast<int>(first / plane), pixel = static_cast<int>(first % plane);
      if (contiguous) dac_of_input_.convert(input + first * in.c, std::size_t(count) * in.c, x);
      for (int p = 0; p < count; ++p) {
        keys[p] = {static_cast<uint32_t>(ctx.first_image + b), static_cast<uint32_t>(pixel)};
        if (!contiguous) gather_pixel(block, in, input, b, pixel / out.w, pixel % out.w, x, p);
        if (++pixel == plane) pixel = 0, ++b;
      }
    };
    analog_->run_int32(ctx, int64_t{out.n} * out.h * out.w, gather, flavor_,
                       analog_emit(in, input, out, output));
  }

  // The digitised accumulators through the bias and requantization, after
  // −zw[oc] · S for asymmetric weights (S: the job's window sum of its group).
  TiledLayer::EmitInt32 analog_emit(const quant::Nhwc& in, const int8_t* input,
                                    const quant::Nhwc& out, int8_t* output) const {
    if (weight_zp_.empty()) return requantizing_emit(requant_, out.c, output);
    return [this, in, input, out, output](int64_t first, int count, const int32_t* acc) {
      const auto& g = packed_.geometry;
      const int64_t plane = int64_t{out.h} * out.w;
      std::vector<int32_t> corrected(acc, acc + std::size_t(count) * out.c);
      std::vector<int64_t> sums(std::size_t(count) * g.groups);
      for (int p = 0; p < count; ++p) {
        const int64_t job = first + p;
        const int pixel = static_cast<int>(job % plane);
        window_sums(g, in, input, packed_.quant.input_zero_point, static_cast<int>(job / plane),
                    pixel / out.w, pixel % out.w, sums.data() + std::size_t(p) * g.groups);
      }
      subtract_weight_zero_points(weight_zp_, sums.data(), g.groups, out.c / g.groups, count,
                                  corrected.data(), out.c);
      requantize_rows(requant_, corrected.data(), out.c, count, out.c, output + first * out.c);
    };
  }

  // Job p's DAC inputs of one block: output pixel (oy, ox) of image b.
  void gather_pixel(int block, const quant::Nhwc& in, const int8_t* input, int b, int oy, int ox,
                    float* x, int p) const {
    const auto& g = packed_.geometry;
    const AnalogMatrix& m = analog_->matrix(block);
    float* dst = x + std::size_t(p) * m.rows();
    const DacTable& dac = dac_of_input_;
    if (cjob_ == 0 && g.groups == 1) {
      im2col_pixel<float>(g, in, input, b, oy, ox, 0.0f, dac, dst);
      return;
    }
    // A group's (or a C_job block's) own input channels, tap by tap.
    const int c0 = cjob_ == 0 ? block * cin_g_ : block * cjob_;
    const int n = cjob_ == 0 ? cin_g_ : m.cols();
    for (int ky = 0; ky < g.kernel_h; ++ky) {
      const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
      for (int kx = 0; kx < g.kernel_w; ++kx, dst += n) {
        const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
        if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) {
          std::fill(dst, dst + n, 0.0f);
          continue;
        }
        dac.convert(input + in.offset(b, iy, ix, c0), n, dst);
      }
    }
  }

  const Node& node_;
  const Graph& graph_;
  KernelFlavor flavor_;
  PackedConv packed_;
  std::vector<int8_t> ohwi_;
  std::unique_ptr<TiledLayer> analog_;  // set when the conv is placed on analog tiles
  ChannelRequant requant_;              // its bias and requantization
  std::vector<int32_t> weight_zp_;      // analog: zw per channel, empty when symmetric
  int cjob_ = 0;                        // > 0: a depthwise conv in C_job-channel blocks
  int cin_g_ = 0;                       // input channels per group (grouped blocks)
  DacTable dac_of_input_;               // analog: DAC(x − zp) by the input byte
};

}  // namespace

std::unique_ptr<Kernel> make_qconv(const Node& n, const Graph& g, const KernelOptions& o) {
  return std::make_unique<QConvKernel>(n, g, o);
}

}  // namespace aimc::int8k
