// Resize (opsets 10-18) and the older Upsample: nearest, linear and cubic
// interpolation, applied one axis at a time (the modes are separable). The
// coordinate and rounding rules follow the ONNX reference implementation
// (onnx/backend/test/case/node/resize.py), which made the conformance data.
#include <algorithm>
#include <array>
#include <cmath>

#include "engine/kernels/float/float_kernels.h"
#include "engine/kernels/float/float_tensor_ops.h"
#include "engine/limits.h"

namespace aimc::floatk {
namespace {

enum class Mode { kNearest, kLinear, kCubic };

struct ResizeSpec {
  Mode mode = Mode::kNearest;
  std::string coordinates = "half_pixel";
  std::string nearest = "round_prefer_floor";
  double cubic_a = -0.75;
  bool exclude_outside = false;
  bool legacy = false;  // Upsample and Resize-10: asymmetric, nearest rounds down
};

// For each output position of one axis, `width` input indices and weights.
struct AxisTaps {
  int width = 1;
  std::vector<int64_t> index;
  std::vector<double> weight;
};

double source_coordinate(const ResizeSpec& s, int64_t x, int64_t in, double scale,
                         double out_width) {
  const auto xd = static_cast<double>(x);
  const std::string& c = s.coordinates;
  if (c == "align_corners") {
    return out_width == 1.0 ? 0.0 : xd * static_cast<double>(in - 1) / (out_width - 1.0);
  }
  if (c == "asymmetric") return xd / scale;
  if (c == "pytorch_half_pixel") return out_width == 1.0 ? -0.5 : (xd + 0.5) / scale - 0.5;
  if (c == "tf_half_pixel_for_nn") return (xd + 0.5) / scale;
  return (xd + 0.5) / scale - 0.5;  // half_pixel
}

int64_t nearest_index(const ResizeSpec& s, double x, bool downsampling) {
  const double fl = std::floor(x), frac = x - fl;
  if (s.legacy) return static_cast<int64_t>(downsampling ? std::ceil(x) : fl);
  if (frac == 0.0) return static_cast<int64_t>(fl);
  const std::string& m = s.nearest;
  if (m == "floor") return static_cast<int64_t>(fl);
  if (m == "ceil") return static_cast<int64_t>(fl) + 1;
  if (m == "round_prefer_ceil") return static_cast<int64_t>(frac >= 0.5 ? fl + 1 : fl);
  return static_cast<int64_t>(frac > 0.5 ? fl + 1 : fl);  // round_prefer_floor
}

// Keys' cubic convolution weights of the taps at floor(x) - 1 .. floor(x) + 2.
std::array<double, 4> cubic_weights(double t, double a) {
  const double u = 1.0 - t;
  return {((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a,
          ((a + 2) * t - (a + 3)) * t * t + 1, ((a + 2) * u - (a + 3)) * u * u + 1,
          ((a * (u + 1) - 5 * a) * (u + 1) + 8 * a) * (u + 1) - 4 * a};
}

AxisTaps axis_taps(const ResizeSpec& s, int64_t in, int64_t out, double scale, double out_width) {
  AxisTaps taps;
  taps.width = s.mode == Mode::kNearest ? 1 : s.mode == Mode::kLinear ? 2 : 4;
  auto clamp = [in](int64_t i) { return std::clamp<int64_t>(i, 0, in - 1); };
  for (int64_t x = 0; x < out; ++x) {
    const double src = source_coordinate(s, x, in, scale, out_width);
    if (s.mode == Mode::kNearest) {
      taps.index.push_back(clamp(nearest_index(s, src, scale < 1.0)));
      taps.weight.push_back(1.0);
      continue;
    }
    const double fl = std::floor(src), t = src - fl;
    const auto i0 = static_cast<int64_t>(fl);
    if (s.mode == Mode::kLinear) {
      taps.index.insert(taps.index.end(), {clamp(i0), clamp(i0 + 1)});
      taps.weight.insert(taps.weight.end(), {1.0 - t, t});
      continue;
    }
    auto w = cubic_weights(t, s.cubic_a);
    double sum = 0.0;
    for (int k = 0; k < 4; ++k) {
      const int64_t i = i0 - 1 + k;
      if (s.exclude_outside && (i < 0 || i >= in)) w[static_cast<std::size_t>(k)] = 0.0;
      sum += w[static_cast<std::size_t>(k)];
    }
    for (int k = 0; k < 4; ++k) {
      taps.index.push_back(clamp(i0 - 1 + k));
      taps.weight.push_back(s.exclude_outside ? w[static_cast<std::size_t>(k)] / sum
                                              : w[static_cast<std::size_t>(k)]);
    }
  }
  return taps;
}

bool is_identity(const AxisTaps& taps, int64_t in, int64_t out) {
  if (in != out) return false;
  for (int64_t x = 0; x < out; ++x) {
    for (int k = 0; k < taps.width; ++k) {
      const auto at = static_cast<std::size_t>(x * taps.width + k);
      if (taps.weight[at] != (taps.index[at] == x ? 1.0 : 0.0)) return false;
    }
  }
  return true;
}

Tensor resize_axis(const Tensor& x, std::size_t axis, int64_t out, const AxisTaps& taps) {
  Shape shape = x.shape();
  const int64_t in = shape[axis];
  shape[axis] = out;
  int64_t outer = 1, inner = 1;
  for (std::size_t d = 0; d < axis; ++d) outer *= shape[d];
  for (std::size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
  Tensor y(DType::kFloat32, shape);
  const float* px = x.data<float>();
  float* py = y.data<float>();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t j = 0; j < out; ++j) {
      float* dst = py + (o * out + j) * inner;
      for (int64_t k = 0; k < inner; ++k) {
        double acc = 0.0;
        for (int t = 0; t < taps.width; ++t) {
          const auto at = static_cast<std::size_t>(j * taps.width + t);
          acc += taps.weight[at] * px[(o * in + taps.index[at]) * inner + k];
        }
        dst[k] = static_cast<float>(acc);
      }
    }
  }
  return y;
}

class ResizeKernel : public Kernel {
 public:
  ResizeKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {
    const bool upsample = n.op_type == "Upsample";
    spec_.legacy = upsample || g.opset < 11;
    const std::string mode = n.attr_string("mode", "nearest");
    if (mode == "nearest") {
      spec_.mode = Mode::kNearest;
    } else if (mode == "linear" || (upsample && mode == "bilinear")) {
      spec_.mode = Mode::kLinear;
    } else if (mode == "cubic" && !spec_.legacy) {
      spec_.mode = Mode::kCubic;
    } else {
      fail(g, n, "unknown mode '" + mode + "'");
    }
    if (spec_.legacy) {
      spec_.coordinates = "asymmetric";
    } else {
      spec_.coordinates = n.attr_string("coordinate_transformation_mode", "half_pixel");
      spec_.nearest = n.attr_string("nearest_mode", "round_prefer_floor");
    }
    check_attrs();
    spec_.cubic_a = n.attr_float("cubic_coeff_a", -0.75f);
    spec_.exclude_outside = n.attr_int("exclude_outside", 0) != 0;
  }

  void run(const RunContext&, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = required_input(graph_, node_, inputs, 0);
    expect_dtype(graph_, node_, x, DType::kFloat32, "X");
    std::vector<double> scale, out_width;
    const Shape out = output_shape(x.shape(), inputs, scale, out_width);
    check_output_size(graph_, node_, out);
    Tensor y = x;
    for (std::size_t d = 0; d < out.size(); ++d) {
      const AxisTaps taps =
          axis_taps(spec_, x.dim(static_cast<int>(d)), out[d], scale[d], out_width[d]);
      if (!is_identity(taps, x.dim(static_cast<int>(d)), out[d]))
        y = resize_axis(y, d, out[d], taps);
    }
    outputs[0] = std::move(y);
  }

 private:
  void check_attrs() const {
    const std::string& c = spec_.coordinates;
    if (c == "tf_crop_and_resize") {
      fail(graph_, node_, "coordinate_transformation_mode tf_crop_and_resize is not supported");
    }
    if (c != "half_pixel" && c != "asymmetric" && c != "align_corners" &&
        c != "pytorch_half_pixel" && c != "tf_half_pixel_for_nn") {
      fail(graph_, node_, "unknown coordinate_transformation_mode '" + c + "'");
    }
    const std::string& m = spec_.nearest;
    if (m != "round_prefer_floor" && m != "round_prefer_ceil" && m != "floor" && m != "ceil") {
      fail(graph_, node_, "unknown nearest_mode '" + m + "'");
    }
    if (node_.attr_int("antialias", 0) != 0) fail(graph_, node_, "antialias is not supported");
    if (node_.has_attr("axes")) fail(graph_, node_, "the axes attribute is not supported");
    if (node_.attr_string("keep_aspect_ratio_policy", "stretch") != "stretch") {
      fail(graph_, node_, "keep_aspect_ratio_policy other than stretch is not supported");
    }
  }

  // Output dims from sizes, else floor(in * scale); also each axis' scale and
  // the (possibly fractional) output width the coordinate rules use.
  Shape output_shape(const Shape& in, std::span<const Tensor* const> inputs,
                     std::vector<double>& scale, std::vector<double>& out_width) const {
    const bool upsample = node_.op_type == "Upsample";
    const std::size_t scales_at = spec_.legacy ? 1 : 2;
    const Tensor* scales_t = optional_input(inputs, scales_at);
    const Tensor* sizes_t = spec_.legacy ? nullptr : optional_input(inputs, 3);
    std::vector<float> scales;
    if (upsample && graph_.opset < 9) {
      scales = node_.attr_floats("scales");
    } else if (scales_t && scales_t->size() > 0) {
      expect_dtype(graph_, node_, *scales_t, DType::kFloat32, "scales");
      const auto v = scales_t->values<float>();
      scales.assign(v.begin(), v.end());
    }
    Shape out(in.size());
    scale.assign(in.size(), 1.0);
    out_width.assign(in.size(), 0.0);
    if (!scales.empty() && sizes_t && sizes_t->size() > 0) {
      fail(graph_, node_, "give scales or sizes, not both");
    }
    if (!scales.empty()) {
      if (scales.size() != in.size()) fail(graph_, node_, "scales do not match the input's rank");
      for (std::size_t d = 0; d < in.size(); ++d) {
        if (!(scales[d] > 0.0f) || in[d] < 1) {
          fail(graph_, node_, "scales and input dims must be positive");
        }
        scale[d] = scales[d];
        out_width[d] = scale[d] * static_cast<double>(in[d]);
        if (out_width[d] > static_cast<double>(kMaxTensorElements)) {
          fail(graph_, node_, "scales make an output beyond the tensor limit");
        }
        out[d] = static_cast<int64_t>(out_width[d]);
      }
      return out;
    }
    if (!sizes_t || sizes_t->size() == 0) fail(graph_, node_, "needs scales or sizes");
    const auto sizes = int64_values(graph_, node_, *sizes_t, "sizes");
    if (sizes.size() != in.size()) fail(graph_, node_, "sizes do not match the input's rank");
    for (std::size_t d = 0; d < in.size(); ++d) {
      if (sizes[d] < 1 || in[d] < 1) fail(graph_, node_, "sizes and input dims must be positive");
      out[d] = sizes[d];
      scale[d] = static_cast<double>(sizes[d]) / static_cast<double>(in[d]);
      out_width[d] = static_cast<double>(sizes[d]);
    }
    return out;
  }

  const Node& node_;
  const Graph& graph_;
  ResizeSpec spec_;
};

}  // namespace

std::unique_ptr<Kernel> make_resize(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<ResizeKernel>(n, g);
}

}  // namespace aimc::floatk
