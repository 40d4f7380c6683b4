// The ONNX dynamic-quantization ops as float-mode kernels, by their
// definitions: DynamicQuantizeLinear (uint8), MatMulInteger and ConvInteger
// (int8/uint8 inputs, optional zero points, exact int32 outputs). The
// arithmetic is dynamic_quant.h's, which the lowered integer ops share.
#include <algorithm>

#include "engine/kernels/float/dynamic_quant.h"
#include "engine/kernels/float/float_kernels.h"

namespace aimc::floatk {
namespace {

using Inputs = std::span<const Tensor* const>;

bool is_8bit(DType t) { return t == DType::kInt8 || t == DType::kUInt8; }

int32_t element(const Tensor& t, int64_t i) {
  return t.dtype() == DType::kInt8 ? int32_t{t.data<int8_t>()[i]} : int32_t{t.data<uint8_t>()[i]};
}

// x − zero point as int32, the zero point (read as `zp_shape`) broadcast to
// x's shape by numpy's rules; refuses a zero point that does not broadcast.
std::vector<int32_t> minus_zero_point(const Graph& g, const Node& n, const Tensor& x,
                                      const Tensor* zp, const Shape& zp_shape,
                                      const std::string& what) {
  std::vector<int32_t> out(static_cast<std::size_t>(x.size()));
  for (int64_t i = 0; i < x.size(); ++i) out[i] = element(x, i);
  if (!zp) return out;
  if (zp->dtype() != x.dtype()) fail(g, n, what + "'s zero point and " + what + " differ in type");
  if (zp->size() == 1) {
    const int32_t z = element(*zp, 0);
    for (auto& v : out) v -= z;
    return out;
  }
  const int rank = x.rank(), zr = static_cast<int>(zp_shape.size());
  std::vector<int64_t> stride(rank, 0);
  int64_t step = 1;
  for (int d = zr - 1; d >= 0; --d) {
    const int xd = rank - zr + d;
    if (xd < 0 || (zp_shape[d] != 1 && zp_shape[d] != x.dim(xd)))
      fail(g, n,
           what + "'s zero point " + shape_str(zp->shape()) + " does not fit " + what + " " +
               shape_str(x.shape()));
    if (zp_shape[d] != 1) stride[xd] = step;
    step *= zp_shape[d];
  }
  std::vector<int64_t> index(rank, 0);
  for (int64_t i = 0; i < x.size(); ++i) {
    int64_t off = 0;
    for (int d = 0; d < rank; ++d) off += index[d] * stride[d];
    out[i] -= element(*zp, off);
    for (int d = rank - 1; d >= 0 && ++index[d] == x.dim(d); --d) index[d] = 0;
  }
  return out;
}

class DynamicQuantizeKernel : public Kernel {
 public:
  DynamicQuantizeKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {}
  void run(const RunContext& ctx, Inputs inputs, std::span<Tensor> outputs) const override {
    const Tensor& x = required_input(graph_, node_, inputs, 0);
    expect_dtype(graph_, node_, x, DType::kFloat32, "x");
    const DynamicQuant q = dynamic_quant_params(x.values<float>());
    outputs[0] = new_output(ctx, DType::kUInt8, x.shape(), /*zero=*/false);
    const float* px = x.data<float>();
    uint8_t* py = outputs[0].data<uint8_t>();
    const int64_t total = x.size();
#pragma omp parallel for num_threads(threads_for(ctx, total)) schedule(static)
    for (int64_t i = 0; i < total; ++i) py[i] = dynamic_quantize(px[i], q);
    if (outputs.size() > 1) outputs[1] = Tensor::from<float>({}, std::vector<float>{q.scale});
    if (outputs.size() > 2)
      outputs[2] = Tensor::from<uint8_t>({}, std::vector<uint8_t>{uint8_t(q.zero_point)});
  }

 private:
  const Node& node_;
  const Graph& graph_;
};

// Offsets (in matrices) into an operand of batch shape `have` for each index
// of the broadcast batch shape `out`.
std::vector<int64_t> batch_offsets(const Shape& have, const Shape& out) {
  std::vector<int64_t> offsets(static_cast<std::size_t>(element_count(out)), 0);
  std::vector<int64_t> index(out.size(), 0);
  for (auto& off : offsets) {
    int64_t step = 1;
    for (int d = static_cast<int>(have.size()) - 1; d >= 0; --d) {
      const std::size_t od = out.size() - have.size() + d;
      if (have[d] != 1) off += index[od] * step;
      step *= have[d];
    }
    for (int d = static_cast<int>(out.size()) - 1; d >= 0 && ++index[d] == out[d]; --d)
      index[d] = 0;
  }
  return offsets;
}

class MatMulIntegerKernel : public Kernel {
 public:
  MatMulIntegerKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {}
  void run(const RunContext& ctx, Inputs inputs, std::span<Tensor> outputs) const override {
    const Tensor& a = required_input(graph_, node_, inputs, 0);
    const Tensor& b = required_input(graph_, node_, inputs, 1);
    if (!is_8bit(a.dtype()) || !is_8bit(b.dtype()))
      fail(graph_, node_, "A and B must be int8 or uint8");
    if (a.rank() < 1 || b.rank() < 1) fail(graph_, node_, "A and B must have rank >= 1");
    Shape sa = a.shape(), sb = b.shape();
    if (sa.size() == 1) sa.insert(sa.begin(), 1);
    if (sb.size() == 1) sb.push_back(1);
    const int64_t m = sa[sa.size() - 2], k = sa.back(), n = sb.back();
    if (sb[sb.size() - 2] != k)
      fail(graph_, node_,
           "inner dimensions differ: " + shape_str(a.shape()) + " x " + shape_str(b.shape()));
    const Shape ba(sa.begin(), sa.end() - 2), bb(sb.begin(), sb.end() - 2);
    const Shape batch = broadcast_batch(ba, bb);
    // A per-row zero point of a matrix is a vector of M: one per row.
    const Tensor* za = optional_input(inputs, 2);
    Shape za_shape = za ? za->shape() : Shape{};
    if (za && za_shape.size() == 1 && za->size() > 1) za_shape.push_back(1);
    const Tensor* zb = optional_input(inputs, 3);
    const auto a32 = minus_zero_point(graph_, node_, a, za, za_shape, "A");
    const auto b32 = minus_zero_point(graph_, node_, b, zb, zb ? zb->shape() : Shape{}, "B");
    Shape out = batch;
    if (a.rank() > 1) out.push_back(m);
    if (b.rank() > 1) out.push_back(n);
    outputs[0] = new_output(ctx, DType::kInt32, out, /*zero=*/false);
    const auto oa = batch_offsets(ba, batch), ob = batch_offsets(bb, batch);
    int32_t* y = outputs[0].data<int32_t>();
    for (std::size_t i = 0; i < oa.size(); ++i)
      matmul_int32(a32.data() + oa[i] * m * k, b32.data() + ob[i] * k * n, m, k, n,
                   y + int64_t(i) * m * n, ctx.threads);
  }

 private:
  Shape broadcast_batch(const Shape& a, const Shape& b) const {
    Shape out(std::max(a.size(), b.size()), 1);
    for (std::size_t i = 0; i < out.size(); ++i) {
      const int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
      const int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
      if (da != db && da != 1 && db != 1)
        fail(graph_, node_, "batch dims " + shape_str(a) + " and " + shape_str(b) + " differ");
      out[out.size() - 1 - i] = da == 1 ? db : da;
    }
    return out;
  }

  const Node& node_;
  const Graph& graph_;
};

class ConvIntegerKernel : public Kernel {
 public:
  ConvIntegerKernel(const Node& n, const Graph& g)
      : node_(n), graph_(g), attrs_(window_attrs(g, n)) {
    group_ = n.attr_int("group", 1);
    if (group_ < 1) fail(g, n, "group must be positive");
  }

  void run(const RunContext& ctx, Inputs inputs, std::span<Tensor> outputs) const override {
    const Tensor& x = required_input(graph_, node_, inputs, 0);
    const Tensor& w = required_input(graph_, node_, inputs, 1);
    if (!is_8bit(x.dtype()) || !is_8bit(w.dtype()))
      fail(graph_, node_, "x and w must be int8 or uint8");
    if (x.rank() < 3 || w.rank() != x.rank())
      fail(graph_, node_,
           "x " + shape_str(x.shape()) + " and w " + shape_str(w.shape()) +
               " must be [N, C, spatial...] and [M, C/group, kernel...]");
    IntConvShape s;
    s.batch = x.dim(0), s.in_c = x.dim(1), s.out_c = w.dim(0), s.group = group_;
    if (w.dim(1) * group_ != s.in_c || s.out_c % group_ != 0)
      fail(graph_, node_,
           "w " + shape_str(w.shape()) + " and group " + std::to_string(group_) + " do not fit x " +
               shape_str(x.shape()));
    const std::vector<int64_t> kernel(w.shape().begin() + 2, w.shape().end());
    if (!attrs_.kernel_shape.empty() && attrs_.kernel_shape != kernel)
      fail(graph_, node_, "kernel_shape contradicts the weight " + shape_str(w.shape()));
    s.window = resolve_window(graph_, node_, attrs_, x.shape(), kernel);
    const Tensor* zx = optional_input(inputs, 2);
    const Tensor* zw = optional_input(inputs, 3);
    if (zx && zx->size() != 1) fail(graph_, node_, "x_zero_point must be a scalar");
    // One w zero point, or one per output channel.
    Shape zw_shape = zw ? zw->shape() : Shape{};
    if (zw && zw->size() > 1) {
      if (zw->rank() != 1 || zw->size() != s.out_c)
        fail(graph_, node_, "w_zero_point must be a scalar or one per output channel");
      zw_shape = Shape(w.rank(), 1);
      zw_shape[0] = s.out_c;
    }
    const auto x32 = minus_zero_point(graph_, node_, x, zx, zx ? zx->shape() : Shape{}, "x");
    const auto w32 = minus_zero_point(graph_, node_, w, zw, zw_shape, "w");
    Shape out{s.batch, s.out_c};
    for (int i = 3 - (x.rank() - 2); i < 3; ++i) out.push_back(s.window.out[i]);
    outputs[0] = new_output(ctx, DType::kInt32, out, /*zero=*/false);
    conv_int32(s, x32.data(), w32.data(), outputs[0].data<int32_t>(), ctx.threads);
  }

 private:
  const Node& node_;
  const Graph& graph_;
  WindowAttrs attrs_;
  int64_t group_ = 1;
};

}  // namespace

std::unique_ptr<Kernel> make_dynamic_quantize_linear(const Node& n, const Graph& g,
                                                     const KernelOptions&) {
  return std::make_unique<DynamicQuantizeKernel>(n, g);
}
std::unique_ptr<Kernel> make_matmul_integer(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<MatMulIntegerKernel>(n, g);
}
std::unique_ptr<Kernel> make_conv_integer(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<ConvIntegerKernel>(n, g);
}

}  // namespace aimc::floatk
