#include "quant/converters.h"

#include <algorithm>
#include <cmath>

namespace aimc::quant {

double dac_encode(const DacSpec& dac, int32_t x) {
  const double levels = std::ldexp(1.0, dac.bits) - 1.0;  // steps on each side of zero
  const double step = std::max(1.0, dac.full_scale / levels);
  const double clipped = std::clamp<double>(x, -dac.full_scale, dac.full_scale);
  // A grid step of 1 (enough bits) keeps integers exact.
  return step == 1.0 ? clipped : std::round(clipped / step) * step;
}

double adc_lsb(const AdcSpec& adc) { return adc.range / (std::ldexp(1.0, adc.bits - 1) - 1.0); }

int32_t adc_code(const AdcSpec& adc, double y) {
  const double max_code = std::ldexp(1.0, adc.bits - 1) - 1.0;
  const double code = std::round(y / adc_lsb(adc));
  return static_cast<int32_t>(std::clamp(code, -max_code, max_code));
}

}  // namespace aimc::quant
