#include "engine/analog/drift_compensation.h"

#include <algorithm>
#include <cmath>

#include "noise-models/counter_rng.h"

namespace aimc {
namespace {

// Σ|y| of each column [j0, j1) of one tile over the identity read-out: one unit input per row,
// so each output is one conductance difference.
void identity_readout(const TileGrid& g, const float* dp, const float* dr, int i0, int i1, int j0,
                      int j1, double* sum0, double* sumt) {
  for (int i = i0; i < i1; ++i) {
    const float* p = dp + std::size_t(i) * g.n;
    const float* r = dr + std::size_t(i) * g.n;
    for (int j = j0; j < j1; ++j) {
      sum0[j - j0] += std::fabs(double(p[j]));
      sumt[j - j0] += std::fabs(double(r[j]));
    }
  }
}

// Σ|y| of each column [j0, j1) of one tile over kCompensationInputs random inputs.
void random_readout(const TileGrid& g, const float* dp, const float* dr, int i0, int i1, int j0,
                    int j1, const AnalogConfig& c, uint32_t layer, uint32_t tile, double x_max,
                    double* sum0, double* sumt) {
  constexpr int V = kCompensationInputs;
  std::vector<double> y0(std::size_t(j1 - j0) * V, 0.0), yt(y0.size(), 0.0);
  for (int v = 0; v < V; ++v) {
    for (int i = i0; i < i1; ++i) {
      const noise::StreamKey key{c.seed,
                                 layer,
                                 tile,
                                 static_cast<uint32_t>(i),
                                 static_cast<uint32_t>(v),
                                 noise::Purpose::kCalibration,
                                 0};
      const double x = noise::uniform01(key) * x_max;
      const float* p = dp + std::size_t(i) * g.n;
      const float* r = dr + std::size_t(i) * g.n;
      for (int j = j0; j < j1; ++j) {
        y0[std::size_t(j - j0) * V + v] += x * p[j];
        yt[std::size_t(j - j0) * V + v] += x * r[j];
      }
    }
  }
  for (int j = j0; j < j1; ++j)
    for (int v = 0; v < V; ++v) {
      sum0[j - j0] += std::fabs(y0[std::size_t(j - j0) * V + v]);
      sumt[j - j0] += std::fabs(yt[std::size_t(j - j0) * V + v]);
    }
}

// Σ|y| of each column [j0, j1) of one tile, on the planes a (into sum_a) and b (into sum_b),
// over the configured read-out inputs.
void readout(const TileGrid& g, const float* a, const float* b, int i0, int i1, int j0, int j1,
             const AnalogConfig& c, uint32_t layer, uint32_t tile, double x_max,
             std::vector<double>& sum_a, std::vector<double>& sum_b) {
  sum_a.assign(std::size_t(j1 - j0), 0.0);
  sum_b.assign(sum_a.size(), 0.0);
  if (c.compensation_readout == CompensationReadout::kIdentity)
    identity_readout(g, a, b, i0, i1, j0, j1, sum_a.data(), sum_b.data());
  else
    random_readout(g, a, b, i0, i1, j0, j1, c, layer, tile, x_max, sum_a.data(), sum_b.data());
}

double ratio(double a, double b) { return b > 0 ? a / b : 1.0; }

// The [slice][K][N] planes one compensation reads: the devices right after programming and at
// t_inf, and (with pre-distortion, else null) the intended and pre-distorted targets.
struct Planes {
  const float *programmed, *read, *intended, *predistorted;
};

// α of the columns [j0, j1) of one tile (rows [i0, i1) of the planes p, offset to the slice).
void tile_compensation(const TileGrid& g, const Planes& p, int i0, int i1, int j0, int j1,
                       const AnalogConfig& c, uint32_t layer, uint32_t tile, double x_max,
                       double* alpha) {
  std::vector<double> sum0, sumt, sum_i, sum_p;
  readout(g, p.programmed, p.read, i0, i1, j0, j1, c, layer, tile, x_max, sum0, sumt);
  // The periphery knows both target matrices: the reference measured on the pre-distorted
  // devices is scaled to the intended matrix by the ratio of their read-outs.
  const bool scaled = p.intended != nullptr;
  if (scaled)
    readout(g, p.intended, p.predistorted, i0, i1, j0, j1, c, layer, tile, x_max, sum_i, sum_p);
  double tile0 = 0, tilet = 0, tile_i = 0, tile_p = 0;
  for (int j = j0; j < j1; ++j) {
    const std::size_t at = std::size_t(j - j0);
    const double a = sum0[at], b = sumt[at];
    const double reference = scaled ? a * ratio(sum_i[at], sum_p[at]) : a;
    alpha[j] = b > 0 ? reference / b : 1.0;
    tile0 += a;
    tilet += b;
    if (scaled) {
      tile_i += sum_i[at];
      tile_p += sum_p[at];
    }
  }
  if (scaled) tile0 *= ratio(tile_i, tile_p);
  if (c.compensation == DriftCompensation::kGlobal)
    std::fill(alpha + j0, alpha + j1, tilet > 0 ? tile0 / tilet : 1.0);
}

}  // namespace

std::vector<double> drift_compensation(const TileGrid& g, std::span<const float> programmed,
                                       std::span<const float> read, const AnalogConfig& c,
                                       uint32_t layer, uint32_t tile_base, double x_max,
                                       const CompensationTargets& targets) {
  std::vector<double> alpha(std::size_t(g.slices) * g.row_tiles * g.n, 1.0);
  if (c.compensation == DriftCompensation::kNone) return alpha;
  const std::size_t plane = std::size_t(g.k) * g.n;
  const bool scaled = !targets.intended.empty();
  for (int sl = 0; sl < g.slices; ++sl)
    for (int rt = 0; rt < g.row_tiles; ++rt)
      for (int ct = 0; ct < g.col_tiles; ++ct) {
        const uint32_t tile = tile_base + static_cast<uint32_t>(g.adc_index(sl, rt, ct));
        const Planes p = {&programmed[sl * plane], &read[sl * plane],
                          scaled ? &targets.intended[sl * plane] : nullptr,
                          scaled ? &targets.predistorted[sl * plane] : nullptr};
        tile_compensation(g, p, g.row_begin(rt), g.row_end(rt), g.col_begin(ct), g.col_end(ct), c,
                          layer, tile, x_max, &alpha[(std::size_t(sl) * g.row_tiles + rt) * g.n]);
      }
  return alpha;
}

}  // namespace aimc
