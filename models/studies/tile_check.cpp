#include "models/studies/tile_check.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "engine/analog/adc_calibration.h"
#include "engine/analog/analog_matrix.h"
#include "engine/error.h"
#include "noise-models/counter_rng.h"

namespace aimc::models {
namespace {

// The random layer and inputs, all drawn from keyed streams.
struct RandomLayer {
  std::vector<float> w;       // K × N int8 weights, column-major by output
  std::vector<float> x;       // inputs × K, DAC-encoded
  std::vector<double> exact;  // inputs × N exact integer results
};

int32_t input_value(uint64_t seed, int p, int i) {
  const noise::StreamKey key{seed,
                             0xfffff,
                             1,
                             static_cast<uint32_t>(p),
                             static_cast<uint32_t>(i),
                             noise::Purpose::kCalibration,
                             2};
  return static_cast<int32_t>(std::floor(noise::uniform01(key) * 256.0)) % 256;
}

// A layer like a trained one: weights ~ N(0, 40²) clipped to int8, inputs
// uniform on 0..255 (after ReLU).
RandomLayer random_layer(const AnalogConfig& config, const TileCheckSetup& s) {
  const int k = s.rows, n = s.cols, count = s.inputs;
  RandomLayer l;
  l.w.resize(std::size_t(k) * n);
  l.x.resize(std::size_t(count) * k);
  for (std::size_t i = 0; i < l.w.size(); ++i) {
    const noise::StreamKey key{
        s.seed, 0xfffff, 0, static_cast<uint32_t>(i), 0, noise::Purpose::kCalibration, 1};
    l.w[i] = static_cast<float>(
        std::clamp(std::round(40.0 * noise::standard_normal(key)), -127.0, 127.0));
  }
  l.exact.assign(std::size_t(count) * n, 0.0);
  for (int p = 0; p < count; ++p) {
    for (int i = 0; i < k; ++i)
      l.x[std::size_t(p) * k + i] =
          static_cast<float>(quant::dac_encode(config.dac, input_value(s.seed, p, i)));
    for (int j = 0; j < n; ++j) {
      double acc = 0;
      for (int i = 0; i < k; ++i)
        acc += static_cast<double>(input_value(s.seed, p, i)) * l.w[std::size_t(j) * k + i];
      l.exact[std::size_t(p) * n + j] = acc;
    }
  }
  return l;
}

// The ADC ranges of `m`: its own, or calibrated on the same inputs (the
// percentile of |y| per ADC).
std::vector<double> adc_ranges(const AnalogMatrix& m, const AnalogConfig& c,
                               const std::vector<float>& x, int count, int n) {
  std::vector<double> ranges = m.own_adc_ranges();
  if (c.adc_range != AdcRangeMode::kCalibrated) return ranges;
  std::vector<std::vector<float>> seen(m.adc_count());
  std::vector<float> y(std::size_t(count) * n);
  for (int s = 0; s < m.slices(); ++s)
    for (int rt = 0; rt < m.row_tiles(); ++rt) {
      m.currents(x.data(), count, s, rt, y.data());
      for (std::size_t e = 0; e < y.size(); ++e)
        seen[m.adc_index(s, rt, int(e % n) / c.tile_cols)].push_back(y[e]);
    }
  for (int a = 0; a < m.adc_count(); ++a)
    ranges[a] = std::max(abs_percentile(seen[a], c.adc_percentile), 1e-9);
  return ranges;
}

}  // namespace

TileStats compare_outputs(const std::vector<double>& got, const std::vector<double>& want) {
  double num = 0, den = 0, se = 0, sy = 0, sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
  TileStats s;
  const double n = static_cast<double>(got.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double d = got[i] - want[i];
    num += d * (want[i] > 0 ? 1 : -1);
    den += std::fabs(want[i]);
    se += d * d;
    sy += want[i] * want[i];
    s.max_abs_error = std::max(s.max_abs_error, std::fabs(d));
    sa += got[i];
    sb += want[i];
    sab += got[i] * want[i];
    saa += got[i] * got[i];
    sbb += want[i] * want[i];
  }
  s.mean_relative_error = num / den;
  s.rms_relative_error = std::sqrt(se / sy);
  s.correlation = (sab - sa * sb / n) / std::sqrt((saa - sa * sa / n) * (sbb - sb * sb / n));
  return s;
}

std::vector<TileCheckRow> tile_check(const AnalogConfig& config, const TileCheckSetup& setup,
                                     const std::function<void(const TileCheckRow&)>& on_row) {
  AnalogConfig base = config;
  base.seed = setup.seed;
  const RandomLayer l = random_layer(base, setup);
  const int k = setup.rows, n = setup.cols, count = setup.inputs;
  const char* names[] = {"none", "global", "column"};
  std::vector<TileCheckRow> rows;
  for (double t : setup.times) {
    for (DriftCompensation comp :
         {DriftCompensation::kNone, DriftCompensation::kGlobal, DriftCompensation::kColumn}) {
      AnalogConfig c = base;
      c.t_inf = t;
      c.compensation = comp;
      const AnalogMatrix m(l.w, k, n, 0, 0, c, true, c.dac.full_scale);
      const std::vector<double> ranges = adc_ranges(m, c, l.x, count, n);
      std::vector<JobKey> jobs(count);
      for (int p = 0; p < count; ++p) jobs[p] = {0, static_cast<uint32_t>(p)};
      std::vector<double> got(l.exact.size());
      std::vector<float> scratch;
      m.mvm_block(l.x.data(), count, jobs.data(), ranges.data(), got.data(), scratch);
      rows.push_back({t, names[static_cast<int>(comp)], compare_outputs(got, l.exact)});
      if (on_row) on_row(rows.back());
    }
  }
  return rows;
}

std::vector<double> parse_drift_times(const std::string& text) {
  std::vector<double> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    char* end = nullptr;
    const double t = std::strtod(item.c_str(), &end);
    if (item.empty() || *end != '\0' || !(t >= 0))
      throw bad_input("--times",
                      "expected non-negative seconds separated by commas, got '" + text + "'");
    out.push_back(t);
  }
  if (out.empty()) throw bad_input("--times", "give at least one time");
  return out;
}

}  // namespace aimc::models
