#include "quant/quantize_ref.h"

#include <algorithm>
#include <cmath>

namespace aimc::quant {

int32_t quantize_value(float x, float scale, int32_t zero_point, int32_t qmin, int32_t qmax) {
  // ONNX: x / y_scale in float, rounded half to even (nearbyint under the default mode).
  const float v = std::nearbyint(x / scale) + static_cast<float>(zero_point);
  if (std::isnan(v)) return std::clamp(zero_point, qmin, qmax);
  return static_cast<int32_t>(std::clamp(v, static_cast<float>(qmin), static_cast<float>(qmax)));
}

int8_t requantize_float(int8_t q, float in_scale, int32_t in_zero_point, float out_scale,
                        int32_t out_zero_point) {
  const float scale = in_scale / out_scale;
  const float bias = -static_cast<float>(in_zero_point) * scale;
  const int32_t v =
      static_cast<int32_t>(std::round(static_cast<float>(q) * scale + bias)) + out_zero_point;
  return static_cast<int8_t>(std::clamp(v, -128, 127));
}

}  // namespace aimc::quant
