#include "models/specs/mobilenet_spec.h"

#include <algorithm>
#include <cmath>

#include "engine/error.h"

namespace aimc::models {
namespace {

using timing::LayerOp;
using timing::LayerShape;

// Keras' _make_divisible: channels rounded to a multiple of 8, never below
// 90 % of the unrounded value.
int divisible(double v, int divisor = 8) {
  int r = std::max(divisor, static_cast<int>(v + divisor / 2.0) / divisor * divisor);
  if (r < 0.9 * v) r += divisor;
  return r;
}

LayerShape conv(std::string name, LayerOp op, int in_c, int out_c, int k, int stride, int in_hw) {
  LayerShape l;
  l.name = std::move(name);
  l.op = op;
  l.in_c = in_c;
  l.out_c = out_c;
  l.kernel_h = l.kernel_w = k;
  l.stride = stride;
  l.in_h = l.in_w = in_hw;
  l.out_h = l.out_w = (in_hw + stride - 1) / stride;  // SAME padding
  return l;
}

LayerShape add(std::string name, int c, int hw) {
  LayerShape l;
  l.name = std::move(name);
  l.op = LayerOp::kAdd;
  l.in_c = l.out_c = c;
  l.in_h = l.in_w = l.out_h = l.out_w = hw;
  return l;
}

}  // namespace

std::vector<LayerShape> mobilenetv2_spec(const MobileNetV2Options& o) {
  if (o.width <= 0 || o.resolution < 32)
    throw bad_input("--spec", "width or resolution out of range");
  struct Stage {
    int t, c, n, s;
  };
  const Stage stages[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                          {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  std::vector<LayerShape> layers;
  int hw = o.resolution;
  int in_c = divisible(32 * o.width);
  layers.push_back(conv("conv1", LayerOp::kConv, 3, in_c, 3, 2, hw));
  hw = layers.back().out_h;
  int block = 0;
  for (const Stage& st : stages) {
    const int out_c = divisible(st.c * o.width);
    for (int i = 0; i < st.n; ++i, ++block) {
      const std::string b = "block" + std::to_string(block);
      const int stride = i == 0 ? st.s : 1;
      const int hidden = in_c * st.t;
      if (st.t != 1 || o.first_block_expansion)
        layers.push_back(conv(b + "_expand", LayerOp::kPointwise, in_c, hidden, 1, 1, hw));
      layers.push_back(conv(b + "_dw", LayerOp::kDepthwise, hidden, hidden, 3, stride, hw));
      const int out_hw = layers.back().out_h;
      layers.push_back(conv(b + "_project", LayerOp::kPointwise, hidden, out_c, 1, 1, out_hw));
      if (stride == 1 && in_c == out_c) layers.push_back(add(b + "_add", out_c, out_hw));
      in_c = out_c;
      hw = out_hw;
    }
  }
  const int last = o.width > 1.0 ? divisible(1280 * o.width) : 1280;
  layers.push_back(conv("conv_last", LayerOp::kPointwise, in_c, last, 1, 1, hw));
  LayerShape pool = add("pool", last, hw);
  pool.op = LayerOp::kPool;
  pool.out_h = pool.out_w = 1;
  layers.push_back(pool);
  layers.push_back(conv("classifier", LayerOp::kGemm, last, o.classes, 1, 1, 1));
  return layers;
}

std::vector<LayerShape> named_spec(const std::string& name) {
  MobileNetV2Options o;
  if (name == "mobilenetv2") return mobilenetv2_spec(o);
  if (name == "mobilenetv2-paper") {
    o.first_block_expansion = true;
    return mobilenetv2_spec(o);
  }
  if (name == "bottleneck") return bottleneck_spec();
  throw bad_input("--spec", "unknown spec '" + name +
                                "' (expected mobilenetv2, mobilenetv2-paper or bottleneck)");
}

std::vector<LayerShape> bottleneck_spec() {
  return {conv("expand", LayerOp::kPointwise, 96, 576, 1, 1, 14),
          conv("dw", LayerOp::kDepthwise, 576, 576, 3, 1, 14),
          conv("project", LayerOp::kPointwise, 576, 96, 1, 1, 14), add("add", 96, 14)};
}

}  // namespace aimc::models
