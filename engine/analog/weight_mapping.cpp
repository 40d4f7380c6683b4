#include "engine/analog/weight_mapping.h"

#include <algorithm>
#include <cmath>

#include "quant/conductance_mapping.h"

namespace aimc {

std::vector<double> weight_scales(std::span<const float> w_nk, const TileGrid& g,
                                  WeightScaling scaling) {
  std::vector<double> scale(std::size_t(g.row_tiles) * g.n, 0.0);
  for (int rt = 0; rt < g.row_tiles; ++rt) {
    double* s = &scale[std::size_t(rt) * g.n];
    for (int j = 0; j < g.n; ++j)
      for (int i = g.row_begin(rt); i < g.row_end(rt); ++i)
        s[j] = std::max(s[j], std::fabs(double(w_nk[std::size_t(j) * g.k + i])));
    if (scaling != WeightScaling::kTile) continue;
    for (int ct = 0; ct < g.col_tiles; ++ct) {
      const int j0 = g.col_begin(ct), j1 = g.col_end(ct);
      std::fill(s + j0, s + j1, *std::max_element(s + j0, s + j1));
    }
  }
  return scale;
}

bool weights_quantized(const AnalogConfig& c, bool integer_weights) {
  return !(integer_weights && c.weight_bits >= 8);
}

WeightMapping map_weights(std::span<const float> w_nk, const TileGrid& g, const AnalogConfig& c,
                          bool integer_weights, std::span<const int16_t> chosen_levels) {
  const bool native = !weights_quantized(c, integer_weights);
  const bool chosen = !native && !chosen_levels.empty();
  const double levels = native ? 127.0 : quant::weight_levels(c.weight_bits);
  const std::vector<double> scale = weight_scales(w_nk, g, c.weight_scaling);
  WeightMapping m;
  m.factor.resize(scale.size());
  m.full_scale.resize(scale.size());
  for (std::size_t t = 0; t < scale.size(); ++t) {
    m.factor[t] = native ? 1.0 : (scale[t] > 0 ? scale[t] / levels : 0.0);
    // An unsliced pair holds the whole level; a zero scale still needs a unit.
    m.full_scale[t] = native ? (scale[t] > 0 ? scale[t] : 1.0) : levels;
  }
  if (c.slice_bits > 0) {
    m.slice_base = std::ldexp(1.0, c.slice_bits);
    m.slices = quant::slices_needed(native ? 128.0 : levels, c.slice_bits);
    std::fill(m.full_scale.begin(), m.full_scale.end(), m.slice_base - 1);
  }
  for (int sl = 0; sl < m.slices; ++sl) m.slice_scale.push_back(std::pow(m.slice_base, sl));

  const std::size_t plane = std::size_t(g.k) * g.n;
  m.digits.resize(plane * m.slices);
#pragma omp parallel for schedule(static)
  for (int i = 0; i < g.k; ++i) {
    const double* s = &scale[std::size_t(i / g.tile_rows) * g.n];
    for (int j = 0; j < g.n; ++j) {
      const std::size_t at = std::size_t(j) * g.k + i;
      const double w = w_nk[at];
      const double q = native   ? w
                       : chosen ? double(chosen_levels[at])
                                : quant::quantize_weight(w, s[j], levels);
      double* d = &m.digits[std::size_t(i) * g.n + j];
      if (c.slice_bits == 0) {
        *d = q < 0 ? -std::fabs(q) : std::fabs(q);
        continue;
      }
      const std::vector<double> digits = quant::slice_digits(std::fabs(q), c.slice_bits, m.slices);
      for (int sl = 0; sl < m.slices; ++sl) d[sl * plane] = q < 0 ? -digits[sl] : digits[sl];
    }
  }
  return m;
}

}  // namespace aimc
