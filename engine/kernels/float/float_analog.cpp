#include "engine/kernels/float/float_analog.h"

#include <algorithm>
#include <cmath>

#include "engine/analog/analog_backend.h"
#include "engine/error.h"

namespace aimc::floatk {
namespace {

// Divides a job's inputs by their largest magnitude and encodes them on the
// DAC; returns that magnitude (the factor the job's outputs are scaled by).
float normalize_job(const TiledLayer& tiles, float* x, int k) {
  float m = 0;
  for (int i = 0; i < k; ++i) m = std::max(m, std::fabs(x[i]));
  if (m == 0) return 0.0f;
  for (int i = 0; i < k; ++i) x[i] = tiles.dac_normalized(x[i] / m);
  return m;
}

// Whether the placement pass put the node on crossbar tiles; only a
// depthwise conv has a C_job mapping.
bool on_tiles(const Node& n, const Graph& g, const KernelOptions& o, bool cjob_mapping = false) {
  if (n.placement.unit == Unit::kCrossbarCjob && !cjob_mapping)
    fail(g, n, "only a depthwise conv has a C_job mapping");
  if (!on_crossbar(n.placement.unit)) return false;
  if (!o.analog) fail(g, n, "placed on the crossbar outside analog mode");
  return true;
}

// A depthwise conv in C_job-channel blocks: block-diagonal (taps · n) × n
// matrices, row (tap t, channel o) holding channel o's tap t.
std::vector<AnalogBlock> cjob_blocks(const Tensor& w, int cjob) {
  const int64_t out_c = w.dim(0), taps = w.size() / out_c;
  std::vector<AnalogBlock> blocks;
  for (int64_t c0 = 0; c0 < out_c; c0 += cjob) {
    AnalogBlock b;
    b.n = static_cast<int>(std::min<int64_t>(cjob, out_c - c0));
    b.k = static_cast<int>(taps) * b.n;
    b.first_channel = static_cast<int>(c0);
    b.weights_nk.assign(std::size_t(b.k) * b.n, 0.0f);
    for (int o = 0; o < b.n; ++o)
      for (int64_t t = 0; t < taps; ++t)
        b.weights_nk[std::size_t(o) * b.k + t * b.n + o] = w.data<float>()[(c0 + o) * taps + t];
    blocks.push_back(std::move(b));
  }
  return blocks;
}

// A grouped conv's matrix is block-diagonal: one block per group, each its
// group's output channels over its own input channels (one block for group 1).
std::vector<AnalogBlock> group_blocks(const Tensor& w, int64_t group) {
  const int64_t out_c = w.dim(0), k = w.size() / out_c, per_group = out_c / group;
  std::vector<AnalogBlock> blocks;
  for (int64_t gi = 0; gi < group; ++gi) {
    const float* first = w.data<float>() + gi * per_group * k;
    blocks.push_back({std::vector<float>(first, first + per_group * k), static_cast<int>(k),
                      static_cast<int>(per_group), static_cast<int>(gi * per_group)});
  }
  return blocks;
}

}  // namespace

std::unique_ptr<TiledLayer> conv_tiles(const Node& n, const Graph& g, const KernelOptions& o,
                                       const Tensor& w, int64_t group) {
  if (!on_tiles(n, g, o, /*cjob_mapping=*/true)) return nullptr;
  const int64_t out_c = w.rank() >= 3 ? w.dim(0) : 0;
  const bool cjob = n.placement.unit == Unit::kCrossbarCjob;
  const bool depthwise = out_c > 0 && group == out_c && w.dim(1) == 1;
  if (w.rank() < 3 || group < 1 || out_c % group != 0 || out_c / group < 1 ||
      (cjob && (!depthwise || n.placement.cjob < 1)))
    fail(g, n, "placement '" + unit_name(n.placement.unit) + "' cannot run this conv");
  return std::make_unique<TiledLayer>(
      cjob ? cjob_blocks(w, n.placement.cjob) : group_blocks(w, group), static_cast<int>(out_c),
      layer_index(g, n), layer_name(n), *o.analog, false, 1.0);
}

void run_conv_tiles(const TiledLayer& tiles, const RunContext& ctx, KernelFlavor flavor,
                    const Window& win, const Tensor& x, const float* bias, Tensor& y, int cjob) {
  const int64_t batch = x.dim(0), cin = x.dim(1), out_c = y.dim(1);
  const int64_t plane = win.out_size();
  const int64_t taps = win.kernel[0] * win.kernel[1] * win.kernel[2];
  const float* xd = x.data<float>();
  float* yd = y.data<float>();
  // Block b reads channels [c0, c0 + channels): its group's, or its C_job
  // channels; rows are (channel, tap) for groups, (tap, channel) for C_job.
  auto gather = [&](int block, int64_t first, int count, float* dst, JobKey* keys, float* scale) {
    const int k = tiles.matrix(block).rows();
    const int64_t channels = cjob > 0 ? tiles.matrix(block).cols() : cin / tiles.blocks();
    const int64_t c0 = cjob > 0 ? int64_t{block} * cjob : block * channels;
    for (int j = 0; j < count; ++j) {
      const int64_t job = first + j, n = job / plane, p = job % plane;
      const int64_t od = p / (win.out[1] * win.out[2]), oh = p / win.out[2] % win.out[1],
                    ow = p % win.out[2];
      keys[j] = {static_cast<uint32_t>(ctx.first_image + n), static_cast<uint32_t>(p)};
      float* row = dst + std::size_t(j) * k;
      int64_t tap = 0;
      for (int64_t a = 0; a < win.kernel[0]; ++a) {
        const int64_t id = od * win.stride[0] - win.pad_begin[0] + a * win.dilation[0];
        for (int64_t b = 0; b < win.kernel[1]; ++b) {
          const int64_t ih = oh * win.stride[1] - win.pad_begin[1] + b * win.dilation[1];
          for (int64_t e = 0; e < win.kernel[2]; ++e, ++tap) {
            const int64_t iw = ow * win.stride[2] - win.pad_begin[2] + e * win.dilation[2];
            const bool inside =
                id >= 0 && id < win.in[0] && ih >= 0 && ih < win.in[1] && iw >= 0 && iw < win.in[2];
            const int64_t at = (id * win.in[1] + ih) * win.in[2] + iw;
            for (int64_t c = 0; c < channels; ++c) {
              const float v = inside ? xd[(n * cin + c0 + c) * win.in_size() + at] : 0.0f;
              row[cjob > 0 ? tap * channels + c : c * taps + tap] = v;
            }
          }
        }
      }
      scale[j] = normalize_job(tiles, row, k);
    }
  };
  auto emit = [&](int64_t first, int count, const double* acc) {
    for (int j = 0; j < count; ++j) {
      const int64_t job = first + j, n = job / plane, p = job % plane;
      for (int64_t o = 0; o < out_c; ++o)
        yd[(n * out_c + o) * plane + p] =
            static_cast<float>(acc[std::size_t(j) * out_c + o]) + (bias ? bias[o] : 0.0f);
    }
  };
  tiles.run(ctx, batch * plane, gather, flavor, emit);
}

std::unique_ptr<TiledLayer> gemm_tiles(const Node& n, const Graph& g, const KernelOptions& o,
                                       const Tensor& b, bool trans_b) {
  if (!on_tiles(n, g, o)) return nullptr;
  if (b.rank() != 2 || b.dtype() != DType::kFloat32)
    fail(g, n, "placement 'ima' needs a constant float matrix B");
  const int64_t k = trans_b ? b.dim(1) : b.dim(0), cols = trans_b ? b.dim(0) : b.dim(1);
  std::vector<AnalogBlock> blocks(1);
  blocks[0].k = static_cast<int>(k);
  blocks[0].n = static_cast<int>(cols);
  blocks[0].weights_nk.resize(std::size_t(k) * cols);
  const float* bd = b.data<float>();
  for (int64_t j = 0; j < cols; ++j)
    for (int64_t i = 0; i < k; ++i)
      blocks[0].weights_nk[std::size_t(j) * k + i] = trans_b ? bd[j * k + i] : bd[i * cols + j];
  return std::make_unique<TiledLayer>(std::move(blocks), static_cast<int>(cols), layer_index(g, n),
                                      layer_name(n), *o.analog, false, 1.0);
}

void run_gemm_tiles(const TiledLayer& tiles, const RunContext& ctx, KernelFlavor flavor,
                    const Tensor& a, bool trans_a, float* y, int64_t rows_per_image) {
  const int64_t m = trans_a ? a.dim(1) : a.dim(0), k = trans_a ? a.dim(0) : a.dim(1);
  const int64_t cols = tiles.channels();
  const float* ad = a.data<float>();
  auto gather = [&](int, int64_t first, int count, float* dst, JobKey* keys, float* scale) {
    for (int j = 0; j < count; ++j) {
      const int64_t row = first + j;
      keys[j] = {static_cast<uint32_t>(ctx.first_image + row / rows_per_image),
                 static_cast<uint32_t>(row % rows_per_image)};
      float* x = dst + std::size_t(j) * k;
      for (int64_t i = 0; i < k; ++i) x[i] = trans_a ? ad[i * m + row] : ad[row * k + i];
      scale[j] = normalize_job(tiles, x, static_cast<int>(k));
    }
  };
  auto emit = [&](int64_t first, int count, const double* acc) {
    for (int j = 0; j < count; ++j)
      for (int64_t c = 0; c < cols; ++c)
        y[(first + j) * cols + c] = static_cast<float>(acc[std::size_t(j) * cols + c]);
  };
  tiles.run(ctx, m, gather, flavor, emit);
}

std::unique_ptr<TiledLayer> matrix_tiles(const Node& n, const Graph& g, const KernelOptions& o,
                                         const float* weights_nk, int64_t cols, int64_t k,
                                         int matrix, std::string name) {
  if (!on_tiles(n, g, o)) return nullptr;
  // Device draws are keyed by a 20-bit layer (noise-models/counter_rng.h):
  // the node's index in the low 18 bits, the matrix in the top 2, so matrix
  // 0 draws as the node's only matrix would.
  constexpr uint32_t kIndexBits = 18;
  const uint32_t index = layer_index(g, n);
  if (index >= (1u << kIndexBits) || matrix < 0 || matrix > 3)
    fail(g, n, "too many nodes before it to key its crossbar matrices apart");
  std::vector<AnalogBlock> blocks(1);
  blocks[0] = {std::vector<float>(weights_nk, weights_nk + cols * k), static_cast<int>(k),
               static_cast<int>(cols), 0};
  return std::make_unique<TiledLayer>(std::move(blocks), static_cast<int>(cols),
                                      index | static_cast<uint32_t>(matrix) << kIndexBits,
                                      std::move(name), *o.analog, false, 1.0);
}

void run_row_jobs(const TiledLayer& tiles, const RunContext& ctx, KernelFlavor flavor, int64_t jobs,
                  const RowOfJob& row, const EmitJob& emit) {
  const int k = tiles.matrix(0).rows();
  const int64_t cols = tiles.channels();
  auto gather = [&](int, int64_t first, int count, float* dst, JobKey* keys, float* scale) {
    for (int j = 0; j < count; ++j) {
      float* x = dst + std::size_t(j) * k;
      const float* src = row(first + j, keys[j]);
      std::copy_n(src, k, x);
      scale[j] = normalize_job(tiles, x, k);
    }
  };
  auto done = [&](int64_t first, int count, const double* acc) {
    for (int j = 0; j < count; ++j) emit(first + j, acc + std::size_t(j) * cols);
  };
  tiles.run(ctx, jobs, gather, flavor, done);
}

}  // namespace aimc::floatk
