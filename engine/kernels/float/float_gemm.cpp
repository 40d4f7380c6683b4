// Gemm (Y = alpha * A' * B' + beta * C) and MatMul (numpy matmul with
// broadcast batch dims), both on the packed GEMM core.
#include "engine/kernels/float/float_analog.h"
#include "engine/kernels/float/float_common.h"
#include "engine/kernels/float/float_gemm_core.h"
#include "engine/kernels/float/float_kernels.h"

namespace aimc::floatk {
namespace {

constexpr int64_t kColumnChunk = 4 * kGemmNR;  // output columns per task

class GemmKernel : public Kernel {
 public:
  GemmKernel(const Node& n, const Graph& g, const KernelOptions& o)
      : node_(n), graph_(g), flavor_(o.flavor) {
    if (n.inputs.size() < 2) fail(g, n, "needs inputs A and B");
    alpha_ = n.attr_float("alpha", 1.0f);
    beta_ = n.attr_float("beta", 1.0f);
    trans_a_ = n.attr_int("transA", 0) != 0;
    trans_b_ = n.attr_int("transB", 0) != 0;
    // A constant B (the classifier weight) is packed once.
    if (const Tensor* b = g.initializer(n.inputs[1])) {
      const auto [k, cols] = b_dims(*b);
      packed_b_.resize(static_cast<std::size_t>(packed_b_size(k, cols)));
      pack_b_into(*b, k, cols, packed_b_.data());
      tiles_ = gemm_tiles(n, g, o, *b, trans_b_);  // analog mode: on crossbar tiles
    }
  }

  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& a = required_input(graph_, node_, inputs, 0);
    const Tensor& b = required_input(graph_, node_, inputs, 1);
    const Tensor* c = optional_input(inputs, 2);
    expect_dtype(graph_, node_, a, DType::kFloat32, "A");
    if (a.rank() != 2) fail(graph_, node_, "A must be 2-D, got " + shape_str(a.shape()));
    const int64_t m = trans_a_ ? a.dim(1) : a.dim(0), k = trans_a_ ? a.dim(0) : a.dim(1);
    // Plain variables, not a structured binding: OpenMP regions below use n,
    // and clang (C++20) cannot capture bindings there.
    const auto b_shape = b_dims(b);
    const int64_t kb = b_shape.first, n = b_shape.second;
    if (kb != k) {
      fail(graph_, node_,
           "A " + shape_str(a.shape()) + " and B " + shape_str(b.shape()) + " do not multiply");
    }
    std::array<int64_t, 2> c_stride{0, 0};
    if (c) {
      expect_dtype(graph_, node_, *c, DType::kFloat32, "C");
      c_stride = c_strides(*c, m, n);
    }
    outputs[0] = Tensor(DType::kFloat32, {m, n});
    float* y = outputs[0].data<float>();
    if (tiles_) {
      run_gemm_tiles(*tiles_, ctx, flavor_, a, trans_a_, y);
      scale_and_add_c(m, n, c, c_stride, y);
      return;
    }
    std::vector<float> pa(static_cast<std::size_t>(packed_a_size(m, k)));
    pack_a(a.data<float>(), m, k, trans_a_ ? 1 : k, trans_a_ ? m : 1, pa.data());
    std::vector<float> local_b;
    const float* pb = packed_b_.data();
    if (packed_b_.empty()) {
      local_b.resize(static_cast<std::size_t>(packed_b_size(k, n)));
      pack_b_into(b, k, n, local_b.data());
      pb = local_b.data();
    }
    const int64_t chunks = (n + kColumnChunk - 1) / kColumnChunk;
#pragma omp parallel for num_threads(threads_for(ctx, m* n* k)) schedule(static)
    for (int64_t t = 0; t < chunks; ++t) {
      const int64_t j0 = t * kColumnChunk, cols = std::min(kColumnChunk, n - j0);
      gemm_packed(pa.data(), pb + j0 * k, m, cols, k, y + j0, n, nullptr);
    }
    scale_and_add_c(m, n, c, c_stride, y);
  }

 private:
  // y = alpha·y + beta·C.
  void scale_and_add_c(int64_t m, int64_t n, const Tensor* c, std::array<int64_t, 2> c_stride,
                       float* y) const {
    const float* cd = c ? c->data<float>() : nullptr;
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        float v = y[i * n + j];
        if (alpha_ != 1.0f) v *= alpha_;
        if (cd && beta_ != 0.0f) v += beta_ * cd[i * c_stride[0] + j * c_stride[1]];
        y[i * n + j] = v;
      }
    }
  }

  std::pair<int64_t, int64_t> b_dims(const Tensor& b) const {
    expect_dtype(graph_, node_, b, DType::kFloat32, "B");
    if (b.rank() != 2) fail(graph_, node_, "B must be 2-D, got " + shape_str(b.shape()));
    return trans_b_ ? std::pair{b.dim(1), b.dim(0)} : std::pair{b.dim(0), b.dim(1)};
  }
  void pack_b_into(const Tensor& b, int64_t k, int64_t n, float* out) const {
    pack_b(b.data<float>(), k, n, trans_b_ ? 1 : n, trans_b_ ? k : 1, out);
  }
  // C broadcasts unidirectionally to [M, N]: element strides, 0 along broadcast dims.
  std::array<int64_t, 2> c_strides(const Tensor& c, int64_t m, int64_t n) const {
    Shape s = c.shape();
    if (s.size() > 2) fail(graph_, node_, "C must have rank <= 2");
    while (s.size() < 2) s.insert(s.begin(), 1);
    if ((s[0] != 1 && s[0] != m) || (s[1] != 1 && s[1] != n)) {
      fail(graph_, node_,
           "C " + shape_str(c.shape()) + " does not broadcast to [" + std::to_string(m) + "," +
               std::to_string(n) + "]");
    }
    return {s[0] == 1 ? 0 : s[1], s[1] == 1 ? 0 : 1};
  }

  const Node& node_;
  const Graph& graph_;
  float alpha_ = 1.0f, beta_ = 1.0f;
  bool trans_a_ = false, trans_b_ = false;
  std::vector<float> packed_b_;
  KernelFlavor flavor_;
  std::unique_ptr<TiledLayer> tiles_;  // set when placed on analog tiles
};

class MatMulKernel : public Kernel {
 public:
  MatMulKernel(const Node& n, const Graph& g, const KernelOptions& o)
      : node_(n), graph_(g), flavor_(o.flavor) {
    // A constant matrix B (a linear layer's weight) can sit on crossbar tiles.
    if (const Tensor* b = g.initializer(n.inputs.size() > 1 ? n.inputs[1] : ""))
      tiles_ = gemm_tiles(n, g, o, *b, false);
  }

  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& a = required_input(graph_, node_, inputs, 0);
    const Tensor& b = required_input(graph_, node_, inputs, 1);
    expect_dtype(graph_, node_, a, DType::kFloat32, "A");
    expect_dtype(graph_, node_, b, DType::kFloat32, "B");
    if (a.rank() < 1 || b.rank() < 1) fail(graph_, node_, "inputs must have rank >= 1");
    if (tiles_) {
      run_on_tiles(ctx, a, b, outputs);
      return;
    }
    // 1-D operands are promoted to matrices and the added dim dropped again.
    Shape sa = a.shape(), sb = b.shape();
    if (a.rank() == 1) sa.insert(sa.begin(), 1);
    if (b.rank() == 1) sb.push_back(1);
    const int64_t m = sa[sa.size() - 2], k = sa.back(), n = sb.back();
    if (sb[sb.size() - 2] != k) {
      fail(graph_, node_, shape_str(a.shape()) + " x " + shape_str(b.shape()) + " do not multiply");
    }
    const Shape ba(sa.begin(), sa.end() - 2), bb(sb.begin(), sb.end() - 2);
    const std::size_t rank = std::max(ba.size(), bb.size());
    Shape batch(rank), stride_a(rank, 0), stride_b(rank, 0);
    int64_t step_a = m * k, step_b = k * n;
    for (std::size_t i = rank; i-- > 0;) {
      const std::size_t off_a = rank - ba.size(), off_b = rank - bb.size();
      const int64_t da = i >= off_a ? ba[i - off_a] : 1, db = i >= off_b ? bb[i - off_b] : 1;
      if (da != db && da != 1 && db != 1) {
        fail(graph_, node_,
             "batch dims of " + shape_str(a.shape()) + " and " + shape_str(b.shape()) +
                 " do not broadcast");
      }
      batch[i] = std::max(da, db);
      if (da != 1) stride_a[i] = step_a;
      if (db != 1) stride_b[i] = step_b;
      step_a *= da;
      step_b *= db;
    }
    Shape out_shape = batch;
    if (a.rank() > 1) out_shape.push_back(m);
    if (b.rank() > 1) out_shape.push_back(n);
    outputs[0] = Tensor(DType::kFloat32, out_shape);
    const int64_t count = element_count(batch);
    const float* ad = a.data<float>();
    const float* bd = b.data<float>();
    float* y = outputs[0].data<float>();
#pragma omp parallel num_threads(threads_for(ctx, count* m* n* k))
    {
      std::vector<float> scratch;
#pragma omp for schedule(static)
      for (int64_t t = 0; t < count; ++t) {
        int64_t oa = 0, ob = 0, rest = t;
        for (std::size_t i = rank; i-- > 0;) {
          const int64_t idx = rest % batch[i];
          rest /= batch[i];
          oa += idx * stride_a[i];
          ob += idx * stride_b[i];
        }
        gemm_strided(ad + oa, k, 1, bd + ob, n, 1, m, n, k, y + t * m * n, n, scratch);
      }
    }
  }

 private:
  // x [..., K] · B [K, N]: every leading index of x is a row of the tiles.
  void run_on_tiles(const RunContext& ctx, const Tensor& a, const Tensor& b,
                    std::span<Tensor> outputs) const {
    const int64_t k = b.dim(0), n = b.dim(1);
    if (k <= 0 || a.dim(a.rank() - 1) != k)
      fail(graph_, node_, shape_str(a.shape()) + " x " + shape_str(b.shape()) + " do not multiply");
    Tensor rows = a;
    rows.reshape({a.size() / k, k});
    Shape out_shape = a.shape();
    if (a.rank() == 1) out_shape.insert(out_shape.begin(), 1);
    out_shape.back() = n;
    outputs[0] = Tensor(DType::kFloat32, out_shape);
    const int64_t rows_per_image = a.rank() > 2 && a.dim(0) > 0 ? rows.dim(0) / a.dim(0) : 1;
    run_gemm_tiles(*tiles_, ctx, flavor_, rows, false, outputs[0].data<float>(), rows_per_image);
    if (a.rank() == 1) outputs[0].reshape({n});
  }

  const Node& node_;
  const Graph& graph_;
  KernelFlavor flavor_;
  std::unique_ptr<TiledLayer> tiles_;  // set when placed on analog tiles
};

}  // namespace

std::unique_ptr<Kernel> make_gemm(const Node& n, const Graph& g, const KernelOptions& o) {
  return std::make_unique<GemmKernel>(n, g, o);
}

std::unique_ptr<Kernel> make_matmul(const Node& n, const Graph& g, const KernelOptions& o) {
  return std::make_unique<MatMulKernel>(n, g, o);
}

}  // namespace aimc::floatk
