#include "engine/analog/adc_ranges.h"

#include <algorithm>
#include <cmath>

#include "engine/analog/adc_calibration.h"

namespace aimc {
namespace {

// The worst case Σ_i |digit|·x_max over the columns [j0, j1) of rows [i0, i1)
// of one slice's digit plane; 1 for a tile of zeros.
double worst_case(const double* digits, int n, int i0, int i1, int j0, int j1, double x_max) {
  double worst = 0;
  for (int j = j0; j < j1; ++j) {
    double sum = 0;
    // The sum is over float digits, as the devices hold them.
    for (int i = i0; i < i1; ++i)
      sum += std::fabs(static_cast<float>(digits[std::size_t(i) * n + j]));
    worst = std::max(worst, sum * x_max);
  }
  return worst > 0 ? worst : 1.0;
}

}  // namespace

AdcRanges adc_ranges(const WeightMapping& w, const TileGrid& g, const AnalogConfig& c,
                     double x_max) {
  AdcRanges r;
  r.range.assign(g.adc_count(), c.adc_range == AdcRangeMode::kFixed ? c.adc_fixed_range : 0.0);
  r.unit.assign(g.adc_count(), x_max);
  const std::size_t plane = std::size_t(g.k) * g.n;
  for (int sl = 0; sl < g.slices; ++sl) {
    for (int rt = 0; rt < g.row_tiles; ++rt) {
      for (int ct = 0; ct < g.col_tiles; ++ct) {
        const int j0 = g.col_begin(ct), j1 = g.col_end(ct);
        const int adc = g.adc_index(sl, rt, ct);
        const double* full = &w.full_scale[std::size_t(rt) * g.n];
        r.unit[adc] = x_max * *std::max_element(full + j0, full + j1);
        if (c.adc_range == AdcRangeMode::kBound) r.range[adc] = c.adc_bound * r.unit[adc];
        if (c.adc_range == AdcRangeMode::kMax) {
          r.range[adc] =
              worst_case(&w.digits[sl * plane], g.n, g.row_begin(rt), g.row_end(rt), j0, j1, x_max);
        }
      }
    }
  }
  return r;
}

double calibrated_range(std::span<float> seen, double p) {
  const double r = abs_percentile(seen, p);
  return r > 0 ? r : 1.0;
}

}  // namespace aimc
