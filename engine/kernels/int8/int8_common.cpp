#include "engine/kernels/int8/int8_common.h"

#include <cmath>

namespace aimc::int8k {

void fail(const Graph& g, const Node& n, const std::string& what) {
  throw bad_input(g.source, n.label() + ": " + what);
}

const QuantParams& quant_of(const Graph& g, const Node& n, const std::string& value) {
  auto it = g.values.find(value);
  if (it == g.values.end() || !it->second.quant) {
    fail(g, n, "value '" + value + "' has no quantization parameters");
  }
  return *it->second.quant;
}

quant::ActivationRange activation_range(const Node& n) {
  return {static_cast<int32_t>(n.attr_int("act_min", -128)),
          static_cast<int32_t>(n.attr_int("act_max", 127))};
}

quant::ConvGeometry conv_geometry(const Graph& g, const Node& n, int kernel_h, int kernel_w) {
  quant::ConvGeometry geo;
  const auto ks = n.attr_ints("kernel_shape", {kernel_h, kernel_w});
  const auto strides = n.attr_ints("strides", {1, 1});
  const auto dil = n.attr_ints("dilations", {1, 1});
  const auto pads = n.attr_ints("pads", {0, 0, 0, 0});
  const std::string auto_pad = n.attr_string("auto_pad", "NOTSET");
  if (ks.size() != 2 || strides.size() != 2 || dil.size() != 2 || pads.size() != 4) {
    fail(g, n, "integer kernels support 2-D spatial attributes only");
  }
  if (auto_pad != "NOTSET" && auto_pad != "VALID") {
    fail(g, n, "auto_pad '" + auto_pad + "' is not supported for integer ops (use explicit pads)");
  }
  geo.kernel_h = static_cast<int>(ks[0]);
  geo.kernel_w = static_cast<int>(ks[1]);
  geo.stride_h = static_cast<int>(strides[0]);
  geo.stride_w = static_cast<int>(strides[1]);
  geo.dilation_h = static_cast<int>(dil[0]);
  geo.dilation_w = static_cast<int>(dil[1]);
  if (auto_pad == "NOTSET") {
    geo.pad_top = static_cast<int>(pads[0]);
    geo.pad_left = static_cast<int>(pads[1]);
    geo.pad_bottom = static_cast<int>(pads[2]);
    geo.pad_right = static_cast<int>(pads[3]);
  }
  geo.groups = static_cast<int>(n.attr_int("group", 1));
  if (geo.kernel_h < 1 || geo.kernel_w < 1 || geo.stride_h < 1 || geo.stride_w < 1 ||
      geo.dilation_h < 1 || geo.dilation_w < 1 || geo.groups < 1 || geo.pad_top < 0 ||
      geo.pad_left < 0 || geo.pad_bottom < 0 || geo.pad_right < 0) {
    fail(g, n, "invalid kernel_shape/strides/dilations/pads/group");
  }
  return geo;
}

quant::Nhwc nhwc_of(const Graph& g, const Node& n, const Tensor& t) {
  if (t.rank() != 4 || t.dtype() != DType::kInt8) {
    fail(g, n,
         "expects a rank-4 int8 activation, got " + dtype_name(t.dtype()) + " " +
             shape_str(t.shape()));
  }
  return {static_cast<int>(t.dim(0)), static_cast<int>(t.dim(1)), static_cast<int>(t.dim(2)),
          static_cast<int>(t.dim(3))};
}

Tensor make_nhwc(const quant::Nhwc& s) { return Tensor(DType::kInt8, {s.n, s.h, s.w, s.c}); }

quant::QuantizedMultiplier checked_multiplier(const Graph& g, const Node& n, double real) {
  if (!std::isfinite(real) || real <= 0 || real > double(1 << 24)) {
    fail(g, n,
         "requantization multiplier (input scale x weight scale / output scale) = " +
             std::to_string(real) + " is outside (0, 2^24]");
  }
  return quant::quantize_multiplier(real);
}

}  // namespace aimc::int8k
