#pragma once
// Programmatic layer specs for the timing model (no weights needed):
// MobileNetV2 with a width multiplier, an input resolution and the first
// bottleneck with or without its 32→32 expansion (the paper's variant has
// it, Keras' does not), and the paper's Bottleneck layer of Sec. V-C.
#include <string>
#include <vector>

#include "engine/timing/layer_shape.h"

namespace aimc::models {

struct MobileNetV2Options {
  double width = 1.0;
  int resolution = 224;
  bool first_block_expansion = false;  // true: the paper's variant
  int classes = 1000;
};

std::vector<timing::LayerShape> mobilenetv2_spec(const MobileNetV2Options& o);

// The named specs of `aimc timing --spec`: "mobilenetv2" (Keras) and
// "mobilenetv2-paper". Throws BadInput for other names.
std::vector<timing::LayerShape> named_spec(const std::string& name);

// The Bottleneck of the paper's Sec. V-C: MobileNetV2's 14×14 block with
// 96 → 576 → 96 channels (expansion 6, stride 1, residual add). Its
// depthwise weights are 5,184 of 115,776 (4.5 %), and its activations
// (input, expanded, depthwise output, output: 196 × (96 + 576 + 576 + 96)
// bytes = 263 kB) fit the 512 kB TCDM.
std::vector<timing::LayerShape> bottleneck_spec();

}  // namespace aimc::models
