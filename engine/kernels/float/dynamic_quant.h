#pragma once
// The arithmetic of ONNX dynamic quantization, shared by the float kernels
// (DynamicQuantizeLinear, MatMulInteger, ConvInteger) and the integer ops
// the dynamic pattern is lowered to (QDynamicGemm, QDynamicConv), so that
// both compute the same numbers by construction. Plain loops: these are the
// reference forms, and the only ones.
#include <cstdint>
#include <span>

#include "engine/kernels/float/float_common.h"

namespace aimc::floatk {

// DynamicQuantizeLinear's uint8 parameters of one tensor (ONNX reference):
// range [min(x, 0), max(x, 0)], scale = range / 255 (1/255 for an empty
// range), zero point = saturate(round_half_even(0 − min / scale)).
struct DynamicQuant {
  float scale = 1.0f / 255.0f;
  float zero_point = 0.0f;  // an integer in [0, 255]
};

// NaN elements are left out of the range (they quantize to 0).
DynamicQuant dynamic_quant_params(std::span<const float> x);

// q = saturate(round_half_even(x / scale) + zero point), as QuantizeLinear.
inline uint8_t dynamic_quantize(float x, const DynamicQuant& q) {
  float v = std::rint(x / q.scale) + q.zero_point;
  v = v > 0.0f ? v : 0.0f;  // NaN saturates to 0
  return static_cast<uint8_t>(v < 255.0f ? v : 255.0f);
}

// y[r][n] = Σ_k a[r][k]·b[k][n] for `rows` rows, summed exactly in int64 and
// wrapped to int32 (MatMulInteger's output type). Rows split over threads.
void matmul_int32(const int32_t* a, const int32_t* b_kn, int64_t rows, int64_t k, int64_t n,
                  int32_t* y, int threads);

// A grouped N-D integer convolution: x [batch, in_c, spatial] and w
// [out_c, in_c/group, kernel] hold values minus their zero points, so padded
// positions contribute 0 (ConvInteger pads with the zero point). y [batch,
// out_c, out spatial], exact in int64, wrapped to int32.
struct IntConvShape {
  Window window;
  int64_t batch = 0, in_c = 0, out_c = 0, group = 1;
};
void conv_int32(const IntConvShape& s, const int32_t* x, const int32_t* w, int32_t* y, int threads);

}  // namespace aimc::floatk
