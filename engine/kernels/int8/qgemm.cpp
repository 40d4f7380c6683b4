// QGemm: int8 fully-connected lowered from DQ -> Gemm(transB) -> Q.
//
// Weights with zero points: the tiles hold the int8 codes w, the DAC gets
// x − zx, and the digital side subtracts zw[o] · Σ_k (x − zx) of the row,
// exactly.
#include <algorithm>

#include "engine/analog/analog_backend.h"
#include "engine/analog/tiled_layer.h"
#include "engine/fused_attrs.h"
#include "engine/kernels/int8/analog_requant.h"
#include "engine/kernels/int8/fully_connected_fast.h"
#include "engine/kernels/int8/int8_common.h"
#include "engine/kernels/int8/int8_kernels.h"
#include "engine/kernels/int8/weight_zero_points.h"
#include "quant/fully_connected_ref.h"

namespace aimc::int8k {
namespace {

class QGemmKernel : public Kernel {
 public:
  QGemmKernel(const Node& n, const Graph& g, const KernelOptions& o)
      : node_(n), graph_(g), flavor_(o.flavor) {
    const Tensor* w = g.initializer(n.inputs.at(1));
    if (!w || w->dtype() != DType::kInt8 || w->rank() != 2)
      fail(g, n, "weight must be a constant int8 matrix");
    const bool trans_b = n.attr_int("transB", 0) != 0;
    out_features_ = static_cast<int>(trans_b ? w->dim(0) : w->dim(1));
    in_features_ = static_cast<int>(trans_b ? w->dim(1) : w->dim(0));
    if (in_features_ <= 0 || out_features_ <= 0) fail(g, n, "weight matrix is empty");
    // Stored as [out][in], the layout of TFLite's FULLY_CONNECTED.
    weights_.resize(w->size());
    for (int o = 0; o < out_features_; ++o)
      for (int i = 0; i < in_features_; ++i)
        weights_[int64_t{o} * in_features_ + i] =
            trans_b ? w->data<int8_t>()[int64_t{o} * in_features_ + i]
                    : w->data<int8_t>()[int64_t{i} * out_features_ + o];
    bias_.assign(out_features_, 0);
    if (n.inputs.size() > 2 && !n.inputs[2].empty()) {
      const Tensor* b = g.initializer(n.inputs[2]);
      if (!b || b->dtype() != DType::kInt32 || b->size() != out_features_)
        fail(g, n, "bias must be a constant int32 vector");
      bias_.assign(b->data<int32_t>(), b->data<int32_t>() + out_features_);
    }
    const QuantParams& qin = quant_of(g, n, n.inputs[0]);
    const QuantParams& qw = quant_of(g, n, n.inputs[1]);
    const QuantParams& qout = quant_of(g, n, n.outputs[0]);
    q_.input_zero_point = qin.zero_point0();
    q_.output_zero_point = qout.zero_point0();
    q_.range = activation_range(n);
    if (qw.scale.size() != 1 && qw.scale.size() != static_cast<std::size_t>(out_features_)) {
      fail(g, n, "weight scales must be per-tensor or per output feature");
    }
    if (qw.zero_point.size() > 1 && qw.zero_point.size() != static_cast<std::size_t>(out_features_))
      fail(g, n, "weight zero points must be per-tensor or per output feature");
    q_.weight_zero_point = qw.zero_point;
    for (float ws : qw.scale) {
      // TFLite GetQuantizedConvolutionMultipler: (s_in * s_w) / s_out in double.
      q_.per_channel.push_back(
          checked_multiplier(g, n,
                             static_cast<double>(qin.scale0()) * static_cast<double>(ws) /
                                 static_cast<double>(qout.scale0())));
    }
    if (n.placement.unit == Unit::kCrossbarCjob) fail(g, n, "a Gemm has no C_job mapping");
    if (n.placement.unit == Unit::kArrays) {
      if (!o.analog) fail(g, n, "placed on the crossbar outside analog mode");
      const AnalogConfig& config = o.analog->config;
      std::vector<quant::QuantizedMultiplier> per_out(out_features_);
      for (int i = 0; i < out_features_; ++i) per_out[i] = q_.multiplier(i);
      requant_ = make_channel_requant(per_out, q_.output_zero_point, q_.range);
      requant_.offset = bias_;
      weight_zp_ = weight_zero_points_per_channel(q_.weight_zero_point, out_features_);
      std::vector<AnalogBlock> blocks(1);
      blocks[0] = {std::vector<float>(weights_.begin(), weights_.end()), in_features_,
                   out_features_, 0};
      analog_ = std::make_unique<TiledLayer>(std::move(blocks), out_features_, layer_index(g, n),
                                             layer_name(n), *o.analog, true, config.dac.full_scale);
    }
  }

  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = *inputs[0];
    const bool any_rank = node_.attr_int(kLeadingRows, 0) != 0;
    if (x.dtype() != DType::kInt8 || (any_rank ? x.rank() < 1 : x.rank() != 2) ||
        x.dim(x.rank() - 1) != in_features_) {
      fail(graph_, node_,
           std::string("expects int8 [") + (any_rank ? "..." : "N") + "," +
               std::to_string(in_features_) + "], got " + shape_str(x.shape()));
    }
    const int batch = static_cast<int>(x.size() / in_features_);
    Shape out_shape = x.shape();
    out_shape.back() = out_features_;
    outputs[0] = Tensor(DType::kInt8, out_shape);
    // Rows of one image share its noise stream, each row its own job.
    const int64_t rows_per_image = x.rank() > 2 && x.dim(0) > 0 ? batch / x.dim(0) : 1;
    if (analog_) {
      // One job per row of the batch.
      const int8_t* in = x.data<int8_t>();
      const TiledLayer& layer = *analog_;
      auto gather = [&](int, int64_t first, int count, float* v, JobKey* keys, float* job_scale) {
        std::fill(job_scale, job_scale + count, 1.0f);
        for (int p = 0; p < count; ++p) {
          const int64_t b = first + p;
          keys[p] = {static_cast<uint32_t>(ctx.first_image + b / rows_per_image),
                     static_cast<uint32_t>(b % rows_per_image)};
          for (int i = 0; i < in_features_; ++i)
            v[std::size_t(p) * in_features_ + i] =
                layer.dac(in[b * in_features_ + i] - q_.input_zero_point);
        }
      };
      layer.run_int32(ctx, batch, gather, flavor_, analog_emit(in, outputs[0].data<int8_t>()));
    } else if (flavor_ == KernelFlavor::kReference) {
      quant::fully_connected_int8_reference(q_, batch, in_features_, out_features_,
                                            x.data<int8_t>(), weights_.data(), bias_.data(),
                                            outputs[0].data<int8_t>());
    } else {
      fully_connected_int8_fast(q_, batch, in_features_, out_features_, x.data<int8_t>(),
                                weights_.data(), bias_.data(), outputs[0].data<int8_t>(),
                                ctx.threads);
    }
  }

 private:
  // The digitised accumulators through the bias and requantization, after
  // −zw[o] · Σ_k (x − zx) of each row for asymmetric weights.
  TiledLayer::EmitInt32 analog_emit(const int8_t* in, int8_t* out) const {
    if (weight_zp_.empty()) return requantizing_emit(requant_, out_features_, out);
    return [this, in, out](int64_t first, int count, const int32_t* acc) {
      std::vector<int32_t> corrected(acc, acc + std::size_t(count) * out_features_);
      std::vector<int64_t> sums(count, 0);
      for (int p = 0; p < count; ++p) {
        const int8_t* x = in + (first + p) * in_features_;
        for (int i = 0; i < in_features_; ++i) sums[p] += x[i] - q_.input_zero_point;
      }
      subtract_weight_zero_points(weight_zp_, sums.data(), 1, out_features_, count,
                                  corrected.data(), out_features_);
      requantize_rows(requant_, corrected.data(), out_features_, count, out_features_,
                      out + first * out_features_);
    };
  }

  const Node& node_;
  const Graph& graph_;
  KernelFlavor flavor_;
  int in_features_ = 0, out_features_ = 0;
  std::vector<int8_t> weights_;
  std::vector<int32_t> bias_;
  quant::FullyConnectedQuant q_;
  std::unique_ptr<TiledLayer> analog_;  // set in analog mode
  ChannelRequant requant_;              // its bias and requantization
  std::vector<int32_t> weight_zp_;      // analog: zw per output, empty when symmetric
};

}  // namespace

std::unique_ptr<Kernel> make_qgemm(const Node& n, const Graph& g, const KernelOptions& o) {
  return std::make_unique<QGemmKernel>(n, g, o);
}

}  // namespace aimc::int8k
