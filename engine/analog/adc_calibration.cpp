#include "engine/analog/adc_calibration.h"

#include <algorithm>
#include <cmath>

namespace aimc {

double abs_percentile(std::span<float> values, double p) {
  if (values.empty()) return 0.0;
  for (float& v : values) v = std::fabs(v);
  const double rank = std::ceil(p / 100.0 * double(values.size()));
  const std::size_t at = std::min(values.size() - 1, std::size_t(std::max(rank, 1.0)) - 1);
  std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(at), values.end());
  return values[at];
}

}  // namespace aimc
