// Integer pooling: global average (TFLite Micro MEAN), average and max pool.
#include "engine/kernels/int8/int8_common.h"
#include "engine/kernels/int8/int8_kernels.h"
#include "quant/pool_ref.h"

namespace aimc::int8k {
namespace {

class QGlobalAveragePoolKernel : public Kernel {
 public:
  QGlobalAveragePoolKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {
    in_ = quant_of(g, n, n.inputs.at(0));
    out_ = quant_of(g, n, n.outputs.at(0));
  }
  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const quant::Nhwc in = nhwc_of(graph_, node_, *inputs[0]);
    const quant::MeanQuant q = quant::make_mean_quant(
        in_.scale0(), in_.zero_point0(), out_.scale0(), out_.zero_point0(), in.h * in.w);
    outputs[0] = make_nhwc({in.n, 1, 1, in.c});
    const int8_t* x = inputs[0]->data<int8_t>();
    int8_t* y = outputs[0].data<int8_t>();
    const int64_t rows = int64_t{in.n} * in.c;
#pragma omp parallel for num_threads(ctx.threads) schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
      const int b = static_cast<int>(r / in.c), c = static_cast<int>(r % in.c);
      int32_t sum = 0;
      for (int p = 0; p < in.h * in.w; ++p) sum += x[(int64_t{b} * in.h * in.w + p) * in.c + c];
      y[r] = quant::mean_int8_from_sum(q, sum);
    }
  }

 private:
  const Node& node_;
  const Graph& graph_;
  QuantParams in_, out_;
};

class QWindowPoolKernel : public Kernel {
 public:
  QWindowPoolKernel(const Node& n, const Graph& g, bool is_max)
      : node_(n), graph_(g), max_(is_max) {
    const auto ks = n.attr_ints("kernel_shape");
    if (ks.size() != 2) fail(g, n, "needs a 2-D kernel_shape");
    if (n.attr_int("ceil_mode", 0) != 0)
      fail(g, n, "ceil_mode=1 is not supported for integer pooling");
    if (n.outputs.size() != 1) fail(g, n, "the Indices output of MaxPool is not supported");
    geo_ = conv_geometry(g, n, static_cast<int>(ks[0]), static_cast<int>(ks[1]));
    const QuantParams& qi = quant_of(g, n, n.inputs.at(0));
    const QuantParams& qo = quant_of(g, n, n.outputs.at(0));
    q_.input_zero_point = qi.zero_point0();
    q_.output_zero_point = qo.zero_point0();
    q_.input_scale = qi.scale0();
    q_.output_scale = qo.scale0();
    q_.same_quant =
        q_.input_zero_point == q_.output_zero_point && q_.input_scale == q_.output_scale;
    if (max_ && !q_.same_quant)
      fail(g, n, "integer MaxPool needs equal input and output quantization");
    q_.range = activation_range(n);
    count_include_pad_ = n.attr_int("count_include_pad", 0) != 0;
  }
  void run(const RunContext&, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const quant::Nhwc in = nhwc_of(graph_, node_, *inputs[0]);
    const quant::Nhwc out{in.n, geo_.out_h(in.h), geo_.out_w(in.w), in.c};
    if (out.h < 1 || out.w < 1) fail(graph_, node_, "window larger than the padded input");
    outputs[0] = make_nhwc(out);
    if (max_) {
      quant::max_pool_int8_reference(geo_, q_, in, inputs[0]->data<int8_t>(), out,
                                     outputs[0].data<int8_t>());
    } else {
      quant::average_pool_int8_reference(geo_, q_, count_include_pad_, in,
                                         inputs[0]->data<int8_t>(), out, outputs[0].data<int8_t>());
    }
  }

 private:
  const Node& node_;
  const Graph& graph_;
  bool max_;
  bool count_include_pad_ = false;
  quant::ConvGeometry geo_;
  quant::PoolQuant q_;
};

}  // namespace

std::unique_ptr<Kernel> make_qglobal_average_pool(const Node& n, const Graph& g,
                                                  const KernelOptions&) {
  return std::make_unique<QGlobalAveragePoolKernel>(n, g);
}
std::unique_ptr<Kernel> make_qaverage_pool(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<QWindowPoolKernel>(n, g, false);
}
std::unique_ptr<Kernel> make_qmax_pool(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<QWindowPoolKernel>(n, g, true);
}

}  // namespace aimc::int8k
