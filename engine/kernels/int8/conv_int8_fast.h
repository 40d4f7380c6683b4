#pragma once
// Optimized int8 convolution, bit-identical to quant::conv_int8_reference.
// Weights are packed once at prepare time; run() is a pure function.
//  - groups == 1: im2col into +128-offset u8 panels, then gemm_u8s8 (1×1
//    convolutions are the same path with a trivial im2col);
//  - depthwise (groups == Cin == Cout): direct NHWC loops vectorised across
//    channels;
//  - other grouped convolutions: per-pixel reference accumulation.
// Asymmetric weights: the GEMM subtracts zw·Σ(x − zx) per row
// (weight_zero_points.h); the depthwise taps hold w − zw in int32.
// Threads split output pixels only, so results never depend on their count.
#include <cstdint>
#include <vector>

#include "engine/kernels/int8/gemm_u8s8.h"
#include "engine/kernels/int8/requantize_rows.h"
#include "quant/conv_ref.h"

namespace aimc::int8k {

enum class ConvPath { kGemm, kDepthwise, kGeneric };

struct PackedConv {
  quant::ConvGeometry geometry;
  quant::ConvQuant quant;
  int in_channels = 0;
  int out_channels = 0;
  ConvPath path = ConvPath::kGeneric;
  std::vector<int8_t> filter_ohwi;        // [Cout][kh][kw][Cin/groups] (generic path)
  std::vector<int32_t> bias;              // [Cout], zeros when absent
  PackedB gemm;                           // kGemm
  std::vector<int32_t> depthwise_taps32;  // kDepthwise: [kh*kw][C], widened for SIMD lanes
  std::vector<int32_t> gemm_weight_zp;    // kGemm: zw per channel; empty when symmetric
  ChannelRequant requant;                 // offsets fold bias and zero-point corrections
  // kDepthwise row kernel: inputs enter raw, padding as the zero point, so
  // −zp·Σ_taps w joins the offsets (integer sums: the same bits).
  ChannelRequant requant_raw_input;
};

PackedConv pack_conv(const quant::ConvGeometry& geometry, const quant::ConvQuant& quant,
                     int in_channels, int out_channels, const int8_t* filter_ohwi,
                     const int32_t* bias);

void conv_int8_fast(const PackedConv& p, const quant::Nhwc& in, const int8_t* input,
                    const quant::Nhwc& out, int8_t* output, int threads);

}  // namespace aimc::int8k
