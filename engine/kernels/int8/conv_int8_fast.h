#pragma once
// Optimized int8 convolution, bit-identical to quant::conv_int8_reference.
// Weights are packed once at prepare time; run() is a pure function.
#include <cstdint>
#include <vector>

#include "quant/conv_ref.h"

namespace aimc::int8k {

struct PackedConv {
  quant::ConvGeometry geometry;
  quant::ConvQuant quant;
  int in_channels = 0;
  int out_channels = 0;
  std::vector<int8_t> filter_ohwi;   // [Cout][kh][kw][Cin/groups]
  std::vector<int32_t> bias;         // [Cout], zeros when absent
  std::vector<int32_t> filter_sums;  // per output channel: sum of weights (zero-point folding)
};

PackedConv pack_conv(const quant::ConvGeometry& geometry, const quant::ConvQuant& quant,
                     int in_channels, int out_channels, const int8_t* filter_ohwi,
                     const int32_t* bias);

void conv_int8_fast(const PackedConv& p, const quant::Nhwc& in, const int8_t* input,
                    const quant::Nhwc& out, int8_t* output, int threads);

}  // namespace aimc::int8k
