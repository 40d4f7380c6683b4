#include "engine/analog/analog_matrix.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "noise-models/counter_rng.h"

namespace aimc {
namespace {

// The conductance one device of a pair reads at t_inf (read) and right after
// programming (programmed, the reference of drift compensation).
struct DeviceRead {
  double read = 0;
  double programmed = 0;
};

DeviceRead read_device(const AnalogConfig& c, double g_target, const noise::StreamKey& base) {
  if (c.device == AnalogDevice::kIdeal) return {g_target, g_target};
  noise::StreamKey k = base;
  k.purpose = noise::Purpose::kProgramming;
  const double z_prog = noise::standard_normal(k);
  k.purpose = noise::Purpose::kDriftExponent;
  const double z_drift = noise::standard_normal(k);
  k.purpose = noise::Purpose::kReadNoise;
  const double z_read = noise::standard_normal(k);
  return {noise::pcm_conductance_at(c.pcm, g_target, c.t_inf, z_prog, z_drift, z_read),
          noise::pcm_program(c.pcm, g_target, z_prog)};
}

}  // namespace

AnalogMatrix::AnalogMatrix(const int8_t* w_nk, int k, int n, uint32_t layer,
                           const AnalogConfig& config)
    : k_(k),
      n_(n),
      row_tiles_((k + config.tile_rows - 1) / config.tile_rows),
      col_tiles_((n + config.tile_cols - 1) / config.tile_cols),
      layer_(layer),
      config_(config) {
  // Weight levels: 8 bits keep the int8 weight itself; fewer bits requantize
  // each column to its own largest magnitude (per-column scaling).
  const bool native = config.weight_bits >= 8;
  const double levels = native ? 127.0 : std::ldexp(1.0, config.weight_bits - 1) - 1.0;
  std::vector<double> column_scale(n, 127.0);
  if (!native) {
    for (int j = 0; j < n; ++j) {
      int m = 0;
      for (int i = 0; i < k; ++i) m = std::max(m, std::abs(int{w_nk[std::size_t(j) * k + i]}));
      column_scale[j] = m > 0 ? m : 1.0;
    }
  }
  const double g_max = config.pcm.g_max;
  weights_.resize(std::size_t(k) * n);
  std::vector<double> programmed(weights_.size()), nominal(weights_.size());
  for (int i = 0; i < k; ++i) {
    for (int j = 0; j < n; ++j) {
      const double w = w_nk[std::size_t(j) * k + i];
      const double q = native ? w : std::round(w * levels / column_scale[j]);
      const uint32_t tile =
          static_cast<uint32_t>((i / config.tile_rows) * col_tiles_ + j / config.tile_cols);
      noise::StreamKey key{config.seed,
                           layer,
                           tile,
                           static_cast<uint32_t>(i),
                           static_cast<uint32_t>(j),
                           noise::Purpose::kProgramming,
                           0};
      const DeviceRead plus = read_device(config, g_max * std::max(q, 0.0) / levels, key);
      key.extra = 1;  // the negative device of the pair draws its own numbers
      const DeviceRead minus = read_device(config, g_max * std::max(-q, 0.0) / levels, key);
      const double to_weight = column_scale[j] / g_max;
      const std::size_t at = std::size_t(i) * n + j;
      weights_[at] = (plus.read - minus.read) * to_weight;
      programmed[at] = (plus.programmed - minus.programmed) * to_weight;
      nominal[at] = q * column_scale[j] / levels;
    }
  }
  // Per tile: the ADC range and the global drift-compensation factor, from a
  // fixed calibration input applied right after programming and at t_inf.
  alpha_.assign(std::size_t(row_tiles_) * col_tiles_, 1.0);
  range_.assign(alpha_.size(), config.adc_fixed_range);
  const double x_max = config.dac.full_scale;
  for (int rt = 0; rt < row_tiles_; ++rt) {
    const int i0 = rt * config.tile_rows, i1 = std::min(k, i0 + config.tile_rows);
    for (int ct = 0; ct < col_tiles_; ++ct) {
      const int j0 = ct * config.tile_cols, j1 = std::min(n, j0 + config.tile_cols);
      const std::size_t t = std::size_t(rt) * col_tiles_ + ct;
      if (config.adc_range == AdcRangeMode::kMax) {
        double worst = 0;
        for (int j = j0; j < j1; ++j) {
          double sum = 0;
          for (int i = i0; i < i1; ++i) sum += std::fabs(nominal[std::size_t(i) * n + j]);
          worst = std::max(worst, sum * x_max);
        }
        range_[t] = worst > 0 ? worst : 1.0;
      }
      if (config.global_drift_compensation) {
        double y0 = 0, yt = 0;
        for (int j = j0; j < j1; ++j) {
          double a = 0, b = 0;
          for (int i = i0; i < i1; ++i) {
            const noise::StreamKey key{config.seed,
                                       layer,
                                       static_cast<uint32_t>(t),
                                       static_cast<uint32_t>(i),
                                       0,
                                       noise::Purpose::kCalibration,
                                       0};
            const double x = std::floor(noise::uniform01(key) * x_max);
            a += x * programmed[std::size_t(i) * n + j];
            b += x * weights_[std::size_t(i) * n + j];
          }
          y0 += std::fabs(a);
          yt += std::fabs(b);
        }
        alpha_[t] = yt > 0 ? y0 / yt : 1.0;
      }
    }
  }
}

double AnalogMatrix::effective_weight(int row, int col) const {
  return weights_[std::size_t(row) * n_ + col];
}

double AnalogMatrix::compensation(int rt, int ct) const {
  return alpha_[std::size_t(rt) * col_tiles_ + ct];
}

double AnalogMatrix::adc_range(int rt, int ct) const {
  return range_[std::size_t(rt) * col_tiles_ + ct];
}

void AnalogMatrix::mvm(const int32_t* x, uint32_t image, uint32_t pixel, int32_t* acc) const {
  const AnalogConfig& c = config_;
  std::vector<double> dac(k_), y, total(n_, 0.0);
  for (int i = 0; i < k_; ++i) dac[i] = quant::dac_encode(c.dac, x[i]);
  for (int rt = 0; rt < row_tiles_; ++rt) {
    const int i0 = rt * c.tile_rows, i1 = std::min(k_, i0 + c.tile_rows);
    for (int ct = 0; ct < col_tiles_; ++ct) {
      const int j0 = ct * c.tile_cols, j1 = std::min(n_, j0 + c.tile_cols);
      const std::size_t t = std::size_t(rt) * col_tiles_ + ct;
      y.assign(j1 - j0, 0.0);
      for (int i = i0; i < i1; ++i) {
        if (dac[i] == 0) continue;
        const double* w = &weights_[std::size_t(i) * n_ + j0];
        for (int j = 0; j < j1 - j0; ++j) y[j] += dac[i] * w[j];
      }
      const quant::AdcSpec adc{c.adc_bits, range_[t]};
      const double lsb = quant::adc_lsb(adc);
      for (int j = 0; j < j1 - j0; ++j) {
        double current = y[j];
        if (c.out_noise > 0) {
          const noise::StreamKey key{c.seed,
                                     layer_,
                                     static_cast<uint32_t>(t),
                                     image,
                                     static_cast<uint32_t>(j0 + j),
                                     noise::Purpose::kOutputNoise,
                                     pixel};
          current += c.out_noise * range_[t] * noise::standard_normal(key);
        }
        total[j0 + j] += quant::adc_code(adc, current) * lsb * alpha_[t];
      }
    }
  }
  constexpr double kLo = std::numeric_limits<int32_t>::min(),
                   kHi = std::numeric_limits<int32_t>::max();
  for (int j = 0; j < n_; ++j)
    acc[j] = static_cast<int32_t>(std::llround(std::clamp(total[j], kLo, kHi)));
}

}  // namespace aimc
