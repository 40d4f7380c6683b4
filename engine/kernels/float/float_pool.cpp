// Pooling: GlobalAveragePool, AveragePool and MaxPool over 1 to 3 spatial
// dims (pads, strides, dilations, ceil_mode, auto_pad, count_include_pad).
// Averages are summed in double, in window order, per output element.
#include <limits>
#include <type_traits>

#include "engine/kernels/float/float_common.h"
#include "engine/kernels/float/float_kernels.h"

namespace aimc::floatk {
namespace {

template <typename T>
bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::isnan(v);
  } else {
    return false;
  }
}

class GlobalAveragePoolKernel : public Kernel {
  static constexpr int kInterleave = 8;

 public:
  GlobalAveragePoolKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {}
  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = required_input(graph_, node_, inputs, 0);
    expect_dtype(graph_, node_, x, DType::kFloat32, "input");
    if (x.rank() < 3)
      fail(graph_, node_, "input must be [N, C, spatial...], got " + shape_str(x.shape()));
    Shape out_shape{x.dim(0), x.dim(1)};
    out_shape.resize(x.shape().size(), 1);
    outputs[0] = Tensor(DType::kFloat32, out_shape);
    const int64_t planes = x.dim(0) * x.dim(1), plane = planes ? x.size() / planes : 0;
    if (plane == 0) fail(graph_, node_, "empty spatial extent");
    const float* px = x.data<float>();
    float* py = outputs[0].data<float>();
    // Blocks of kInterleave planes summed side by side: each plane's sum is
    // still one chain in window order (the same bits), but the chains of a
    // block overlap instead of each waiting out the add latency of the last
    // (MobileNetV2's 1280 planes of 49: 36 -> 8 us).
    const int64_t blocks = (planes + kInterleave - 1) / kInterleave;
#pragma omp parallel for num_threads(threads_for(ctx, x.size())) schedule(static)
    for (int64_t b = 0; b < blocks; ++b) {
      const int64_t p0 = b * kInterleave;
      if (p0 + kInterleave <= planes) {
        double sum[kInterleave] = {};
        for (int64_t i = 0; i < plane; ++i)
          for (int j = 0; j < kInterleave; ++j) sum[j] += px[(p0 + j) * plane + i];
        for (int j = 0; j < kInterleave; ++j)
          py[p0 + j] = static_cast<float>(sum[j] / static_cast<double>(plane));
      } else {
        for (int64_t p = p0; p < planes; ++p) {
          double sum = 0.0;
          for (int64_t i = 0; i < plane; ++i) sum += px[p * plane + i];
          py[p] = static_cast<float>(sum / static_cast<double>(plane));
        }
      }
    }
  }

 private:
  const Node& node_;
  const Graph& graph_;
};

class WindowPoolKernel : public Kernel {
 public:
  WindowPoolKernel(const Node& n, const Graph& g, bool is_max)
      : node_(n), graph_(g), max_(is_max), attrs_(window_attrs(g, n)) {
    if (attrs_.kernel_shape.empty()) fail(g, n, "kernel_shape is required");
    if (n.outputs.size() > 1 && !n.outputs[1].empty()) {
      fail(g, n, "the Indices output of MaxPool is not supported");
    }
    if (n.attr_int("storage_order", 0) != 0) fail(g, n, "storage_order=1 is not supported");
    count_include_pad_ = n.attr_int("count_include_pad", 0) != 0;
  }

  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = required_input(graph_, node_, inputs, 0);
    if (!max_) expect_dtype(graph_, node_, x, DType::kFloat32, "input");
    const Window w = resolve_window(graph_, node_, attrs_, x.shape(), attrs_.kernel_shape);
    Shape out_shape{x.dim(0), x.dim(1)};
    for (int i = 3 - (x.rank() - 2); i < 3; ++i) out_shape.push_back(w.out[i]);
    outputs[0] = Tensor(x.dtype(), out_shape);
    visit_dtype(graph_, node_, x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* px = x.data<T>();
      T* py = outputs[0].data<T>();
      const int64_t planes = x.dim(0) * x.dim(1);
#pragma omp parallel for num_threads(threads_for(ctx, planes* w.out_size() * w.kernel_size())) \
    schedule(static)
      for (int64_t p = 0; p < planes; ++p) {
        pool_plane(w, px + p * w.in_size(), py + p * w.out_size());
      }
    });
  }

 private:
  template <typename T>
  void pool_plane(const Window& w, const T* x, T* y) const {
    int64_t o = 0;
    for (int64_t od = 0; od < w.out[0]; ++od) {
      for (int64_t oh = 0; oh < w.out[1]; ++oh) {
        for (int64_t ow = 0; ow < w.out[2]; ++ow, ++o) {
          const std::array<int64_t, 3> start{od * w.stride[0] - w.pad_begin[0],
                                             oh * w.stride[1] - w.pad_begin[1],
                                             ow * w.stride[2] - w.pad_begin[2]};
          T best = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                        : std::numeric_limits<T>::lowest();
          double sum = 0.0;
          int64_t valid = 0, padded = 1;
          for (int s = 0; s < 3; ++s) {
            // Taps inside the padded extent count for count_include_pad.
            int64_t inside = 0;
            for (int64_t k = 0; k < w.kernel[s]; ++k) {
              const int64_t i = start[s] + k * w.dilation[s];
              if (i >= -w.pad_begin[s] && i < w.in[s] + w.pad_end[s]) ++inside;
            }
            padded *= inside;
          }
          for (int64_t a = 0; a < w.kernel[0]; ++a) {
            const int64_t id = start[0] + a * w.dilation[0];
            if (id < 0 || id >= w.in[0]) continue;
            for (int64_t b = 0; b < w.kernel[1]; ++b) {
              const int64_t ih = start[1] + b * w.dilation[1];
              if (ih < 0 || ih >= w.in[1]) continue;
              for (int64_t c = 0; c < w.kernel[2]; ++c) {
                const int64_t iw = start[2] + c * w.dilation[2];
                if (iw < 0 || iw >= w.in[2]) continue;
                const T v = x[(id * w.in[1] + ih) * w.in[2] + iw];
                if (max_) {
                  if (v > best || is_nan(v)) best = v;  // NaN propagates
                } else {
                  sum += static_cast<double>(v);
                }
                ++valid;
              }
            }
          }
          if (max_) {
            y[o] = best;
          } else {
            const int64_t count = count_include_pad_ ? padded : valid;
            y[o] = count ? static_cast<T>(sum / static_cast<double>(count)) : T{0};
          }
        }
      }
    }
  }

  const Node& node_;
  const Graph& graph_;
  bool max_;
  WindowAttrs attrs_;
  bool count_include_pad_ = false;
};

}  // namespace

std::unique_ptr<Kernel> make_global_average_pool(const Node& n, const Graph& g,
                                                 const KernelOptions&) {
  return std::make_unique<GlobalAveragePoolKernel>(n, g);
}
std::unique_ptr<Kernel> make_average_pool(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<WindowPoolKernel>(n, g, false);
}
std::unique_ptr<Kernel> make_max_pool(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<WindowPoolKernel>(n, g, true);
}

}  // namespace aimc::floatk
