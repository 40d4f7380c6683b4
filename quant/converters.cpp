#include "quant/converters.h"

#include <algorithm>
#include <cmath>

namespace aimc::quant {

double dac_encode(const DacSpec& dac, int32_t x) {
  const double levels = std::ldexp(1.0, dac.bits) - 1.0;  // steps on each side of zero
  const double step = std::max(1.0, dac.full_scale / levels);
  const double clipped = std::clamp<double>(x, dac.is_signed ? -dac.full_scale : 0, dac.full_scale);
  // A grid step of 1 (enough bits) keeps integers exact.
  return step == 1.0 ? clipped : round_half_away(clipped / step) * step;
}

double adc_max_code(const AdcSpec& adc) {
  return std::ldexp(1.0, adc.is_signed ? adc.bits - 1 : adc.bits) - 1.0;
}

double adc_min_code(const AdcSpec& adc) { return adc.is_signed ? -adc_max_code(adc) : 0.0; }

double adc_lsb(const AdcSpec& adc) { return adc.range / adc_max_code(adc); }

int32_t adc_code(const AdcSpec& adc, double y) {
  const double code = round_half_away(y / adc_lsb(adc));
  return static_cast<int32_t>(std::clamp(code, adc_min_code(adc), adc_max_code(adc)));
}

}  // namespace aimc::quant
