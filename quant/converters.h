#pragma once
// The crossbar's converters (docs/ARCHITECTURE.md, Analog MVM): the DAC that encodes an integer
// input (q − zero point) as a signed pulse of `bits` magnitude bits, and the ADC that digitises a
// column current on `bits` signed bits over a range. Both round to nearest (half away from zero)
// and clip at their range ends.
#include <cstdint>

namespace aimc::quant {

// Round to nearest, halves away from zero (std::round's rule), written so
// that compilers vectorize it: the fast analog paths and this reference use
// the same function, so they cannot disagree. Exact for |x| < 2^52.
inline double round_half_away(double x) {
  return __builtin_trunc(x + __builtin_copysign(0.49999999999999994, x));
}

struct DacSpec {
  int bits = 8;  // magnitude bits; a sign comes on top (the IMA's signed PWM)
  // The largest |input| the model can present (255 after ReLU6, 128 at the
  // network input); inputs are scaled onto the DAC grid relative to it.
  int32_t full_scale = 255;
  // Unsigned: one-sided pulses; negative inputs clip to 0.
  bool is_signed = true;
};

// The DAC's view of an integer input: rounded to the grid of 2^bits − 1 steps
// over [−full_scale, full_scale] and clipped. With bits large enough that the
// grid step is ≤ 1, this is the identity on [−full_scale, full_scale].
double dac_encode(const DacSpec& dac, int32_t x);

struct AdcSpec {
  int bits = 8;        // signed: codes in [−(2^(bits−1) − 1), 2^(bits−1) − 1]
  double range = 1.0;  // the current that maps to the largest code
  // Unsigned: codes in [0, 2^bits − 1]; negative currents clip to 0.
  bool is_signed = true;
};

// The largest and smallest codes of the ADC.
double adc_max_code(const AdcSpec& adc);
double adc_min_code(const AdcSpec& adc);

// Code of the ADC for column current y (same units as `range`).
int32_t adc_code(const AdcSpec& adc, double y);
// The value one code step stands for.
double adc_lsb(const AdcSpec& adc);

}  // namespace aimc::quant
