#include "engine/kernels/float/dynamic_quant.h"

#include <vector>

namespace aimc::floatk {

DynamicQuant dynamic_quant_params(std::span<const float> x) {
  // The range always holds 0; a NaN compares false and leaves it unchanged.
  float lo = 0.0f, hi = 0.0f;
  for (float v : x) {
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  DynamicQuant q;
  // onnx/reference/ops/op_dynamic_quantize_linear.py, in float32.
  q.scale = (hi == lo ? 1.0f : hi - lo) / 255.0f;
  float zp = 0.0f - lo / q.scale;
  zp = zp > 0.0f ? zp : 0.0f;  // NaN (an infinite range) becomes 0
  q.zero_point = std::rint(zp < 255.0f ? zp : 255.0f);
  return q;
}

void matmul_int32(const int32_t* a, const int32_t* b_kn, int64_t rows, int64_t k, int64_t n,
                  int32_t* y, int threads) {
#pragma omp parallel num_threads(rows* k* n < (int64_t{1} << 15) ? 1 : threads)
  {
    std::vector<int64_t> acc(static_cast<std::size_t>(n));
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
      std::fill(acc.begin(), acc.end(), 0);
      const int32_t* ar = a + r * k;
      for (int64_t i = 0; i < k; ++i) {
        const int64_t av = ar[i];
        const int32_t* br = b_kn + i * n;
        for (int64_t j = 0; j < n; ++j) acc[j] += av * br[j];
      }
      // C++20 conversion to int32 is modular: the int32 wrap of the sum.
      for (int64_t j = 0; j < n; ++j) y[r * n + j] = static_cast<int32_t>(acc[j]);
    }
  }
}

namespace {

// One output plane of output channel m of image b.
void conv_plane_int32(const IntConvShape& s, const int32_t* x, const int32_t* w, int64_t b,
                      int64_t m, int32_t* y) {
  const Window& win = s.window;
  const int64_t cin_g = s.in_c / s.group, per_group = s.out_c / s.group;
  const int64_t c0 = m / per_group * cin_g;
  const int64_t in_plane = win.in_size(), taps = win.kernel_size();
  for (int64_t od = 0; od < win.out[0]; ++od)
    for (int64_t oh = 0; oh < win.out[1]; ++oh)
      for (int64_t ow = 0; ow < win.out[2]; ++ow) {
        int64_t acc = 0;
        for (int64_t c = 0; c < cin_g; ++c) {
          const int32_t* xc = x + (b * s.in_c + c0 + c) * in_plane;
          const int32_t* wc = w + (m * cin_g + c) * taps;
          for (int64_t kd = 0; kd < win.kernel[0]; ++kd) {
            const int64_t id = od * win.stride[0] - win.pad_begin[0] + kd * win.dilation[0];
            if (id < 0 || id >= win.in[0]) continue;
            for (int64_t kh = 0; kh < win.kernel[1]; ++kh) {
              const int64_t ih = oh * win.stride[1] - win.pad_begin[1] + kh * win.dilation[1];
              if (ih < 0 || ih >= win.in[1]) continue;
              for (int64_t kw = 0; kw < win.kernel[2]; ++kw) {
                const int64_t iw = ow * win.stride[2] - win.pad_begin[2] + kw * win.dilation[2];
                if (iw < 0 || iw >= win.in[2]) continue;
                acc += int64_t{xc[(id * win.in[1] + ih) * win.in[2] + iw]} *
                       wc[(kd * win.kernel[1] + kh) * win.kernel[2] + kw];
              }
            }
          }
        }
        y[(od * win.out[1] + oh) * win.out[2] + ow] = static_cast<int32_t>(acc);
      }
}

}  // namespace

void conv_int32(const IntConvShape& s, const int32_t* x, const int32_t* w, int32_t* y,
                int threads) {
  const int64_t planes = s.batch * s.out_c, out_plane = s.window.out_size();
  const int64_t work = planes * out_plane * s.window.kernel_size() * (s.in_c / s.group);
#pragma omp parallel for num_threads(work < (int64_t{1} << 15) ? 1 : threads) schedule(static)
  for (int64_t p = 0; p < planes; ++p)
    conv_plane_int32(s, x, w, p / s.out_c, p % s.out_c, y + p * out_plane);
}

}  // namespace aimc::floatk
