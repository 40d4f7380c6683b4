#pragma once
// NHWC <-> NCHW permutations for the borders of the integer domain.
#include "engine/tensor.h"

namespace aimc::int8k {

template <typename T>
Tensor nchw_to_nhwc(const Tensor& t) {
  const int64_t n = t.dim(0), c = t.dim(1), h = t.dim(2), w = t.dim(3);
  Tensor out(t.dtype(), {n, h, w, c});
  const T* src = t.data<T>();
  T* dst = out.data<T>();
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t p = 0; p < h * w; ++p)
        dst[(b * h * w + p) * c + ch] = src[(b * c + ch) * h * w + p];
  return out;
}

template <typename T>
Tensor nhwc_to_nchw(const Tensor& t) {
  const int64_t n = t.dim(0), h = t.dim(1), w = t.dim(2), c = t.dim(3);
  Tensor out(t.dtype(), {n, c, h, w});
  const T* src = t.data<T>();
  T* dst = out.data<T>();
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t p = 0; p < h * w; ++p)
        dst[(b * c + ch) * h * w + p] = src[(b * h * w + p) * c + ch];
  return out;
}

// ONNX axis of a rank-4 NCHW tensor -> axis in our NHWC storage.
inline int nhwc_axis(int nchw_axis) {
  constexpr int kMap[4] = {0, 3, 1, 2};
  return kMap[nchw_axis];
}

}  // namespace aimc::int8k
