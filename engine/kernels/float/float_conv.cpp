// Float Conv (1-D to 3-D, any group, pads/strides/dilations/auto_pad).
// Channel-wise convolutions (one input channel per group, e.g. depthwise)
// run directly on each plane; the others are a GEMM of the weights
// (oneDNN sgemm) with column tiles of the input (im2col, or the input itself
// for 1x1); a fused Clip runs on each tile as it is finished. Constant 1x1
// weights take the fused kernel of float_pointwise.h instead, which also
// adds a fused Add's operand as it stores; the other paths add it after.
#include "engine/fused_attrs.h"
#include "engine/kernels/float/float_analog.h"
#include "engine/kernels/float/float_common.h"
#include "engine/kernels/float/float_depthwise.h"
#include "engine/kernels/float/float_depthwise_block.h"
#include "engine/kernels/float/float_direct_conv.h"
#include "engine/kernels/float/float_gemm_core.h"
#include "engine/kernels/float/float_kernels.h"
#include "engine/kernels/float/float_pointwise.h"
#include "engine/linalg/sgemm.h"

namespace aimc::floatk {
namespace {

// A GEMM task covers at most kTileColumns output positions, in equal column
// tiles whose count is a multiple of kTasksPerImage when a plane needs more
// than one (so that a static schedule gives 1, 2 or 4 threads equal work: a
// 56x56 plane was 6 tiles of 512 and one of 64, 2048 positions for one core
// and 1088 for the other); when that gives fewer than kTasksPerImage tasks,
// the output channels are split too (in blocks of at least kMinTileRows).
// The split depends only on the shape, so results do not depend on the
// thread count.
constexpr int64_t kTileColumns = 512;
constexpr int64_t kTasksPerImage = 4;
constexpr int64_t kMinTileRows = 32;

struct GemmTiles {
  int64_t tile_cols, col_tiles, tile_rows, row_tiles;
};

// The split of one image's [rows, positions] output of one group; tile_rows
// is a multiple of row_multiple (a kernel's register block).
GemmTiles plan_gemm_tiles(int64_t positions, int64_t rows, int64_t row_multiple) {
  GemmTiles t{};
  const int64_t tiles_needed = (positions + kTileColumns - 1) / kTileColumns;
  const int64_t even_tiles =
      tiles_needed > 1 ? (tiles_needed + kTasksPerImage - 1) / kTasksPerImage * kTasksPerImage : 1;
  t.tile_cols = (positions + even_tiles - 1) / even_tiles;
  t.col_tiles = (positions + t.tile_cols - 1) / t.tile_cols;
  const int64_t want_row_tiles = (kTasksPerImage + t.col_tiles - 1) / t.col_tiles;
  const int64_t row_tiles = std::max<int64_t>(1, std::min(want_row_tiles, rows / kMinTileRows));
  const int64_t per_tile = (rows + row_tiles - 1) / row_tiles;
  t.tile_rows = (per_tile + row_multiple - 1) / row_multiple * row_multiple;
  t.row_tiles = (rows + t.tile_rows - 1) / t.tile_rows;
  return t;
}

// out[p] = bias + sum over the window of w * x for one (image, output channel) plane.
void conv_plane(const Window& w, const float* x, const float* wt, float bias, float* out) {
  const auto [ind, inh, inw] = w.in;
  const auto [kd, kh, kw] = w.kernel;
  const int64_t ow_count = w.out[2];
  for (int64_t od = 0; od < w.out[0]; ++od) {
    for (int64_t oh = 0; oh < w.out[1]; ++oh) {
      float* o = out + (od * w.out[1] + oh) * ow_count;
      std::fill(o, o + ow_count, 0.0f);
      for (int64_t a = 0; a < kd; ++a) {
        const int64_t id = od * w.stride[0] - w.pad_begin[0] + a * w.dilation[0];
        if (id < 0 || id >= ind) continue;
        for (int64_t b = 0; b < kh; ++b) {
          const int64_t ih = oh * w.stride[1] - w.pad_begin[1] + b * w.dilation[1];
          if (ih < 0 || ih >= inh) continue;
          const float* row = x + (id * inh + ih) * inw;
          for (int64_t c = 0; c < kw; ++c) {
            const float wv = wt[(a * kh + b) * kw + c];
            const int64_t off = c * w.dilation[2] - w.pad_begin[2];
            const int64_t s = w.stride[2];
            // Output columns whose tap 0 <= ow * s + off < inw lies inside the row.
            const int64_t lo = off >= 0 ? 0 : (-off + s - 1) / s;
            const int64_t hi = std::min(ow_count, inw - 1 - off < 0 ? 0 : (inw - 1 - off) / s + 1);
            if (s == 1) {
              for (int64_t ow = lo; ow < hi; ++ow) o[ow] = madd(wv, row[ow + off], o[ow]);
            } else {
              for (int64_t ow = lo; ow < hi; ++ow) o[ow] = madd(wv, row[ow * s + off], o[ow]);
            }
          }
        }
      }
      for (int64_t ow = 0; ow < ow_count; ++ow) o[ow] += bias;
    }
  }
}

// Columns [p0, p0 + count) of the im2col matrix of one group as a row-major
// [channels * kernel volume, count] block (rows ordered channel, kd, kh, kw
// like the weight); positions outside the input are 0.
void im2col_block(const Window& w, const float* x, int64_t channels, int64_t p0, int64_t count,
                  float* out) {
  const int64_t plane = w.out[1] * w.out[2];
  int64_t kk = 0;
  for (int64_t c = 0; c < channels; ++c) {
    const float* xc = x + c * w.in_size();
    for (int64_t a = 0; a < w.kernel[0]; ++a) {
      for (int64_t b = 0; b < w.kernel[1]; ++b) {
        for (int64_t e = 0; e < w.kernel[2]; ++e, ++kk) {
          float* dst = out + kk * count;
          // Runs of positions along one output row share id and ih.
          for (int64_t j = 0; j < count;) {
            const int64_t p = p0 + j;
            const int64_t od = p / plane, oh = p % plane / w.out[2], ow0 = p % w.out[2];
            const int64_t run = std::min(count - j, w.out[2] - ow0);
            const int64_t id = od * w.stride[0] - w.pad_begin[0] + a * w.dilation[0];
            const int64_t ih = oh * w.stride[1] - w.pad_begin[1] + b * w.dilation[1];
            float* d = dst + j;
            if (id < 0 || id >= w.in[0] || ih < 0 || ih >= w.in[1]) {
              std::fill(d, d + run, 0.0f);
            } else {
              const float* row = xc + (id * w.in[1] + ih) * w.in[2];
              const int64_t off = e * w.dilation[2] - w.pad_begin[2], st = w.stride[2];
              for (int64_t q = 0; q < run; ++q) {
                const int64_t iw = (ow0 + q) * st + off;
                d[q] = iw >= 0 && iw < w.in[2] ? row[iw] : 0.0f;
              }
            }
            j += run;
          }
        }
      }
    }
  }
}

// rows x count block of C (leading dimension ldc): + bias per row, then the fused clip.
void finish_block(float* c, int64_t ldc, int64_t rows, int64_t count, const float* bias,
                  const FusedClip& clip) {
  if (!bias && !clip.on) return;
  for (int64_t i = 0; i < rows; ++i) {
    float* r = c + i * ldc;
    const float b = bias ? bias[i] : 0.0f;
    if (clip.on) {
      const float lo = clip.lo, hi = clip.hi;
      for (int64_t j = 0; j < count; ++j) r[j] = clip_value(r[j] + b, lo, hi);
    } else {
      for (int64_t j = 0; j < count; ++j) r[j] += b;
    }
  }
}

class ConvKernel : public Kernel {
 public:
  ConvKernel(const Node& n, const Graph& g, const KernelOptions& o)
      : node_(n), graph_(g), attrs_(window_attrs(g, n)), flavor_(o.flavor) {
    if (n.inputs.size() < 2 || n.inputs[1].empty()) fail(g, n, "needs an input and a weight");
    group_ = n.attr_int("group", 1);
    if (n.has_attr(kFusedClipMin))
      clip_ = {true, n.attr_float(kFusedClipMin, 0.0f), n.attr_float(kFusedClipMax, 0.0f)};
    if (group_ < 1) fail(g, n, "group must be positive");
    fused_add_ = n.attr_int(kFusedAdd, 0) != 0;
    if (n.attr_int(kFusedExpand, 0) != 0 || n.attr_int(kFusedProject, 0) != 0) init_block();
    // Constant weights are checked (and in analog mode programmed) once.
    if (const Tensor* w = g.initializer(n.inputs[1])) {
      check_weight(*w);
      tiles_ = conv_tiles(n, g, o, *w, group_);  // analog mode: on crossbar tiles
      const int64_t k = w->size() / w->dim(0);
      if (!tiles_ && k == w->dim(1) && pointwise_supported())
        pointwise_ =
            std::make_unique<PointwiseWeights>(w->data<float>(), group_, w->dim(0) / group_, k);
    }
  }

  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = required_input(graph_, node_, inputs, 0);
    const Tensor& w = required_input(graph_, node_, inputs, 1);
    const Tensor* bias = optional_input(inputs, 2);
    expect_dtype(graph_, node_, x, DType::kFloat32, "input X");
    check_weight(w);
    const Tensor* operand =
        fused_add_ ? &required_input(graph_, node_, inputs, kFusedAddInput) : nullptr;
    if (block_) {
      run_depthwise_block(ctx, x, w, bias, operand, outputs[0]);
      return;
    }
    if (x.rank() != w.rank()) {
      fail(graph_, node_,
           "input " + shape_str(x.shape()) + " and weight " + shape_str(w.shape()) +
               " ranks differ");
    }
    const int64_t out_c = w.dim(0), cin_g = w.dim(1), batch = x.dim(0);
    if (x.dim(1) != cin_g * group_) {
      fail(graph_, node_,
           "input has " + std::to_string(x.dim(1)) + " channels, weight " + shape_str(w.shape()) +
               " with group " + std::to_string(group_) + " expects " +
               std::to_string(cin_g * group_));
    }
    if (bias) {
      expect_dtype(graph_, node_, *bias, DType::kFloat32, "bias");
      if (bias->size() != out_c) fail(graph_, node_, "bias must have one value per output channel");
    }
    const std::vector<int64_t> kernel(w.shape().begin() + 2, w.shape().end());
    if (!attrs_.kernel_shape.empty() && attrs_.kernel_shape != kernel) {
      fail(graph_, node_, "kernel_shape contradicts the weight shape " + shape_str(w.shape()));
    }
    const Window win = resolve_window(graph_, node_, attrs_, x.shape(), kernel);
    Shape out_shape{batch, out_c};
    for (int i = 3 - (x.rank() - 2); i < 3; ++i) out_shape.push_back(win.out[i]);
    const float* residual = operand ? checked_operand(*operand, out_shape) : nullptr;
    outputs[0] = new_output(ctx, DType::kFloat32, out_shape, /*zero=*/false);
    const float* b = bias ? bias->data<float>() : nullptr;
    if (tiles_) {
      const int cjob = node_.placement.unit == Unit::kCrossbarCjob ? node_.placement.cjob : 0;
      run_conv_tiles(*tiles_, ctx, flavor_, win, x, b, outputs[0], cjob);
      finish_block(outputs[0].data<float>(), outputs[0].size(), 1, outputs[0].size(), nullptr,
                   clip_);
    } else if (cin_g == 1 && depthwise3x3_supported(win, x.dim(1), group_, out_c)) {
      depthwise3x3(win, x.data<float>(), w.data<float>(), b, clip_, batch, out_c,
                   outputs[0].data<float>(), threads_for(ctx, batch * win.out_size() * out_c * 9));
    } else if (cin_g == 1) {
      run_channelwise(ctx, win, x, w, b, outputs[0]);
    } else if (direct3x3_supported(win, cin_g, group_)) {
      direct3x3(win, x.data<float>(), cin_g, w.data<float>(), out_c, b, clip_, batch,
                outputs[0].data<float>(), threads_for(ctx, batch * win.out_size() * out_c * 9));
    } else if (pointwise_ && is_pointwise(win)) {
      run_pointwise(ctx, win, x, w.dim(0), b, residual, outputs[0]);
      return;  // the residual is added
    } else {
      run_gemm(ctx, win, x, w, b, outputs[0]);
    }
    if (residual) add_residual(ctx, residual, outputs[0]);
  }

 private:
  void check_weight(const Tensor& w) const {
    expect_dtype(graph_, node_, w, DType::kFloat32, "weight");
    if (w.rank() < 3 || w.rank() > 5) fail(graph_, node_, "weight must be [O, C/group, k...]");
    if (w.dim(0) % group_ != 0) fail(graph_, node_, "group does not divide the output channels");
    if (w.size() == 0) fail(graph_, node_, "empty weight");
  }

  // The fused Add's operand, refused unless it is a float tensor of the
  // output's shape (no broadcasting).
  const float* checked_operand(const Tensor& r, const Shape& out_shape) const {
    expect_dtype(graph_, node_, r, DType::kFloat32, "fused Add operand");
    if (r.shape() != out_shape) {
      fail(graph_, node_,
           "fused Add operand " + shape_str(r.shape()) + " differs from the output " +
               shape_str(out_shape));
    }
    return r.data<float>();
  }

  // A fused 1x1 stage (passes/fuse_depthwise_block.h): its constant weights
  // packed once, as the 1x1 kernel packs them, its bias and clip.
  struct OwnedStage {
    std::unique_ptr<PointwiseWeights> weights;
    int64_t in_c = 0, out_c = 0;
    const float* bias = nullptr;
    FusedClip clip;
    PointwiseStage view() const { return {weights.get(), bias, clip}; }
  };

  OwnedStage init_stage(const char* what, std::size_t weight_input, std::size_t bias_input,
                        const char* clip_min, const char* clip_max) const {
    const auto input = [&](std::size_t i) {
      return node_.inputs.size() > i ? node_.inputs[i] : std::string();
    };
    const Tensor* w = graph_.initializer(input(weight_input));
    if (!w || w->dtype() != DType::kFloat32 || w->rank() != 4 || w->dim(2) != 1 || w->dim(3) != 1)
      fail(graph_, node_, std::string(what) + " needs a constant float [O, C, 1, 1] weight");
    if (!depthwise_block_supported())
      fail(graph_, node_, std::string(what) + " is not available in this build");
    OwnedStage st;
    st.out_c = w->dim(0);
    st.in_c = w->dim(1);
    st.weights = std::make_unique<PointwiseWeights>(w->data<float>(), 1, st.out_c, st.in_c);
    if (!input(bias_input).empty()) {
      const Tensor* b = graph_.initializer(input(bias_input));
      if (!b || b->dtype() != DType::kFloat32 || b->size() != st.out_c)
        fail(graph_, node_,
             std::string(what) + " bias must be a constant with one value per channel");
      st.bias = b->data<float>();
    }
    if (node_.has_attr(clip_min))
      st.clip = {true, node_.attr_float(clip_min, 0.0f), node_.attr_float(clip_max, 0.0f)};
    return st;
  }

  void init_block() {
    block_ = true;
    if (node_.attr_int(kFusedExpand, 0) != 0)
      expand_ = init_stage("fused expansion", kFusedExpandWeight, kFusedExpandBias,
                           kFusedExpandClipMin, kFusedExpandClipMax);
    if (node_.attr_int(kFusedProject, 0) != 0)
      project_ = init_stage("fused projection", kFusedProjectWeight, kFusedProjectBias,
                            kFusedProjectClipMin, kFusedProjectClipMax);
  }

  // The depthwise conv with its fused expansion and/or projection.
  void run_depthwise_block(const RunContext& ctx, const Tensor& x, const Tensor& w,
                           const Tensor* bias, const Tensor* operand, Tensor& y) const {
    const int64_t channels = w.dim(0);
    const int64_t in_c = expand_.weights ? expand_.in_c : channels;
    if (x.rank() != 4 || x.dim(1) != in_c) {
      fail(graph_, node_,
           "input " + shape_str(x.shape()) + " does not have the fused block's " +
               std::to_string(in_c) + " input channels");
    }
    if (w.shape() != Shape{channels, 1, 3, 3} || group_ != channels ||
        (expand_.weights && expand_.out_c != channels) ||
        (project_.weights && project_.in_c != channels))
      fail(graph_, node_, "fused block needs a 3x3 depthwise weight matching its 1x1 stages");
    if (bias) {
      expect_dtype(graph_, node_, *bias, DType::kFloat32, "bias");
      if (bias->size() != channels) fail(graph_, node_, "bias must have one value per channel");
    }
    const Shape dw_in{x.dim(0), channels, x.dim(2), x.dim(3)};
    const Window win = resolve_window(graph_, node_, attrs_, dw_in, {3, 3});
    if (!depthwise3x3_supported(win, channels, group_, channels))
      fail(graph_, node_, "fused block needs a depthwise window the fused kernel takes");
    const int64_t out_c = project_.weights ? project_.out_c : channels;
    const Shape out_shape{x.dim(0), out_c, win.out[1], win.out[2]};
    const float* residual = operand ? checked_operand(*operand, out_shape) : nullptr;
    y = new_output(ctx, DType::kFloat32, out_shape, /*zero=*/false);
    const DepthwiseBlock f{expand_.view(),  win,
                           w.data<float>(), bias ? bias->data<float>() : nullptr,
                           clip_,           project_.view()};
    const int64_t work = x.dim(0) * x.dim(2) * x.dim(3) * channels * (in_c + 9 + out_c);
    depthwise_block(f, x.data<float>(), x.dim(0), in_c, channels, out_c, y.data<float>(), residual,
                    threads_for(ctx, work));
  }

  void run_channelwise(const RunContext& ctx, const Window& win, const Tensor& x, const Tensor& w,
                       const float* bias, Tensor& y) const {
    const int64_t out_c = w.dim(0), per_group = out_c / group_, planes = x.dim(0) * out_c;
    const int64_t kvol = win.kernel_size();
    const float* xd = x.data<float>();
    const float* wd = w.data<float>();
    float* yd = y.data<float>();
#pragma omp parallel for num_threads(threads_for(ctx, planes* win.out_size() * kvol)) \
    schedule(static)
    for (int64_t t = 0; t < planes; ++t) {
      const int64_t n = t / out_c, o = t % out_c;
      const float* xp = xd + (n * group_ + o / per_group) * win.in_size();
      float* yp = yd + t * win.out_size();
      conv_plane(win, xp, wd + o * kvol, bias ? bias[o] : 0.0f, yp);
      finish_block(yp, win.out_size(), 1, win.out_size(), nullptr, clip_);
    }
  }

  // y += residual (the fused Add, after the conv's own output is complete).
  static void add_residual(const RunContext& ctx, const float* residual, Tensor& y) {
    float* yd = y.data<float>();
    const int64_t total = y.size();
#pragma omp parallel for num_threads(threads_for(ctx, total)) schedule(static)
    for (int64_t i = 0; i < total; ++i) yd[i] = yd[i] + residual[i];
  }

  // A 1x1 conv without padding or stride: the input planes are the GEMM's B.
  static bool is_pointwise(const Window& win) {
    return win.kernel_size() == 1 && win.in == win.out &&
           win.stride == std::array<int64_t, 3>{1, 1, 1};
  }

  // Constant 1x1 weights: the fused AVX-512 kernel on the same kind of tiles
  // as run_gemm, bias and clip applied as each register block is stored.
  void run_pointwise(const RunContext& ctx, const Window& win, const Tensor& x, int64_t out_c,
                     const float* bias, const float* residual, Tensor& y) const {
    const int64_t batch = x.dim(0), rows = out_c / group_, k = pointwise_->k();
    const int64_t plane = win.in_size();
    const GemmTiles tiles = plan_gemm_tiles(plane, rows, kPointwiseRows);
    const int64_t tasks = batch * group_ * tiles.col_tiles * tiles.row_tiles;
    const float* xd = x.data<float>();
    float* yd = y.data<float>();
    const bool cold = y.size() * int64_t{sizeof(float)} >= kColdOutputBytes;
#pragma omp parallel for num_threads(threads_for(ctx, batch* plane* out_c* k)) schedule(static)
    for (int64_t t = 0; t < tasks; ++t) {
      const int64_t rt = t % tiles.row_tiles, ct = t / tiles.row_tiles % tiles.col_tiles;
      const int64_t rest = t / tiles.row_tiles / tiles.col_tiles, g = rest % group_,
                    n = rest / group_;
      const int64_t p0 = ct * tiles.tile_cols, count = std::min(tiles.tile_cols, plane - p0);
      const int64_t r0 = rt * tiles.tile_rows, rcount = std::min(tiles.tile_rows, rows - r0);
      const float* xg = xd + (n * group_ + g) * k * plane + p0;
      const int64_t out_offset = (n * out_c + g * rows + r0) * plane + p0;
      pointwise_tile(*pointwise_, g, r0, rcount, xg, plane, count,
                     bias ? bias + g * rows + r0 : nullptr, clip_, yd + out_offset, plane,
                     residual ? residual + out_offset : nullptr, cold);
    }
  }

  // Per task: C[rows, positions] = W[rows, k] * X[k, positions] by oneDNN's
  // sgemm; X is the input itself for a 1x1 conv, else an im2col block.
  void run_gemm(const RunContext& ctx, const Window& win, const Tensor& x, const Tensor& w,
                const float* bias, Tensor& y) const {
    const int64_t batch = x.dim(0), out_c = w.dim(0), rows = out_c / group_;
    const int64_t cin_g = w.dim(1), k = w.size() / out_c;
    const int64_t in_plane = win.in_size(), out_plane = win.out_size();
    const GemmTiles tiles = plan_gemm_tiles(out_plane, rows, 1);
    const int64_t col_tiles = tiles.col_tiles, row_tiles = tiles.row_tiles;
    const int64_t tile_cols = tiles.tile_cols, tile_rows = tiles.tile_rows;
    const int64_t tasks = batch * group_ * col_tiles * row_tiles;
    const bool pointwise = is_pointwise(win);
    const float* xd = x.data<float>();
    const float* wd = w.data<float>();
    float* yd = y.data<float>();
#pragma omp parallel num_threads(threads_for(ctx, batch* out_plane* out_c* k))
    {
      std::vector<float> cols(pointwise ? 0 : static_cast<std::size_t>(k * tile_cols));
#pragma omp for schedule(static)
      for (int64_t t = 0; t < tasks; ++t) {
        const int64_t rt = t % row_tiles, ct = t / row_tiles % col_tiles;
        const int64_t g = t / row_tiles / col_tiles % group_,
                      n = t / row_tiles / col_tiles / group_;
        const int64_t p0 = ct * tile_cols, count = std::min(tile_cols, out_plane - p0);
        const int64_t r0 = rt * tile_rows, rcount = std::min(tile_rows, rows - r0);
        const float* xg = xd + (n * group_ + g) * cin_g * in_plane;
        const float* b = xg + p0;
        int64_t ldb = in_plane;
        if (!pointwise) {
          im2col_block(win, xg, cin_g, p0, count, cols.data());
          b = cols.data();
          ldb = count;
        }
        float* c = yd + (n * out_c + g * rows + r0) * out_plane + p0;
        sgemm(wd + (g * rows + r0) * k, k, b, ldb, c, out_plane, rcount, count, k);
        finish_block(c, out_plane, rcount, count, bias ? bias + g * rows + r0 : nullptr, clip_);
      }
    }
  }

  const Node& node_;
  const Graph& graph_;
  WindowAttrs attrs_;
  int64_t group_ = 1;
  FusedClip clip_;          // a Clip fused into this conv (float mode)
  bool fused_add_ = false;  // an Add fused into this conv: input kFusedAddInput is added last
  KernelFlavor flavor_;
  std::unique_ptr<TiledLayer> tiles_;            // set when placed on analog tiles
  std::unique_ptr<PointwiseWeights> pointwise_;  // constant 1x1 weights, packed
  bool block_ = false;                           // a depthwise block (fused 1x1 stages)
  OwnedStage expand_, project_;                  // its fused 1x1 stages, if any
};

}  // namespace

std::unique_ptr<Kernel> make_conv(const Node& n, const Graph& g, const KernelOptions& o) {
  return std::make_unique<ConvKernel>(n, g, o);
}

}  // namespace aimc::floatk
