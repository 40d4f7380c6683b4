#include "engine/analog/analog_matrix.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "engine/analog/device_read.h"
#include "engine/analog/tile_gemm.h"
#include "noise-models/counter_rng.h"
#include "noise-models/output_noise.h"
#include "quant/conductance_mapping.h"

namespace aimc {
namespace {

constexpr int kCompensationInputs = 16;  // calibration vectors of drift compensation

// The ADC of DESIGN §3 (quant::adc_code), written out so that the block path
// can hoist the LSB; both paths evaluate exactly this expression.
double adc_value(double y, double lsb, double bottom, double top) {
  return std::clamp(quant::round_half_away(y / lsb), bottom, top) * lsb;
}

// o[j] += adc_value(y[j], lsb[j], bottom, top) · gain[j] for j < n: the same
// IEEE operations in the same order (the accumulation fused, as the compiler
// contracts the scalar form), eight columns per step.
void adc_accumulate(const float* y, const double* lsb, const double* gain, int n, double bottom,
                    double top, double* o) {
  int j = 0;
#if defined(__AVX512F__)
  const __m512d lo = _mm512_set1_pd(bottom), hi = _mm512_set1_pd(top);
  const __m512d nudge = _mm512_set1_pd(0.49999999999999994);
  const __m512i sign = _mm512_set1_epi64(INT64_MIN);
  for (; j < n; j += 8) {
    const __mmask8 m = n - j >= 8 ? __mmask8(0xFF) : __mmask8((1u << (n - j)) - 1);
    const __m512d l = _mm512_maskz_loadu_pd(m, lsb + j);
    // Masked-off lanes divide 0 by 1, not by 0.
    const __m512d q = _mm512_div_pd(_mm512_cvtps_pd(_mm256_maskz_loadu_ps(m, y + j)),
                                    _mm512_mask_blend_pd(m, _mm512_set1_pd(1.0), l));
    // round_half_away: trunc(q + copysign(0.49999999999999994, q)).
    const __m512d s = _mm512_castsi512_pd(_mm512_or_si512(
        _mm512_and_si512(_mm512_castpd_si512(q), sign), _mm512_castpd_si512(nudge)));
    const __m512d r =
        _mm512_roundscale_pd(_mm512_add_pd(q, s), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m512d code = _mm512_min_pd(_mm512_max_pd(r, lo), hi);
    const __m512d out = _mm512_fmadd_pd(_mm512_mul_pd(code, l), _mm512_maskz_loadu_pd(m, gain + j),
                                        _mm512_maskz_loadu_pd(m, o + j));
    _mm512_mask_storeu_pd(o + j, m, out);
  }
#endif
  for (; j < n; ++j) o[j] += adc_value(y[j], lsb[j], bottom, top) * gain[j];
}

#if defined(__AVX512F__)
// round_half_away on eight lanes: trunc(v + copysign(0.49999999999999994, v)).
__m512d round_away(__m512d v) {
  const __m512d s = _mm512_castsi512_pd(
      _mm512_or_si512(_mm512_and_si512(_mm512_castpd_si512(v), _mm512_set1_epi64(INT64_MIN)),
                      _mm512_castpd_si512(_mm512_set1_pd(0.49999999999999994))));
  return _mm512_roundscale_pd(_mm512_add_pd(v, s), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
}

// round_half_away(y / lsb) without the slow division where that is safe:
// y · (1 / lsb) is within 2^-51 relative of y / lsb, and round_half_away
// steps only at half-integers, so where q is farther than |q| · 2^-46 from
// every half-integer both quotients round alike. Otherwise (and for NaN or
// infinite q) the lanes are divided, as the scalar form does.
__m512d rounded_quotient(__m512d y, __m512d lsb, __m512d inv) {
  const __m512d q = _mm512_mul_pd(y, inv);
  const __m512d frac = _mm512_abs_pd(
      _mm512_sub_pd(q, _mm512_roundscale_pd(q, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC)));
  const __m512d to_half = _mm512_abs_pd(_mm512_sub_pd(frac, _mm512_set1_pd(0.5)));
  const __m512d margin = _mm512_mul_pd(_mm512_abs_pd(q), _mm512_set1_pd(0x1p-46));
  if (_mm512_cmp_pd_mask(to_half, margin, _CMP_GT_OQ) == 0xFF) return round_away(q);
  return round_away(_mm512_div_pd(y, lsb));
}
#endif

// r[j] = accumulator_to_int32(a[j]) for j < n, eight lanes per step.
void accumulators_to_int32(const double* a, int n, int32_t* r) {
  int j = 0;
#if defined(__AVX512F__)
  const __m512d lo32 = _mm512_set1_pd(INT32_MIN), hi32 = _mm512_set1_pd(INT32_MAX);
  for (; j + 8 <= n; j += 8) {
    const __m512d v = _mm512_min_pd(_mm512_max_pd(_mm512_loadu_pd(a + j), lo32), hi32);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(r + j), _mm512_cvttpd_epi32(round_away(v)));
  }
#endif
  for (; j < n; ++j) r[j] = accumulator_to_int32(a[j]);
}

// accumulator_to_int32 of adc_value(y[j], lsb[j], bottom, top) · gain[j]
// accumulated onto 0, as adc_accumulate and then a rounding pass would give
// it (an exact +0 added changes no integer), eight columns per step.
// inv[j] = 1 / lsb[j].
void adc_to_int32(const float* y, const double* lsb, const double* inv, const double* gain, int n,
                  double bottom, double top, int32_t* r) {
  int j = 0;
#if defined(__AVX512F__)
  const __m512d lo = _mm512_set1_pd(bottom), hi = _mm512_set1_pd(top);
  const __m512d lo32 = _mm512_set1_pd(INT32_MIN), hi32 = _mm512_set1_pd(INT32_MAX);
  const __m512d one = _mm512_set1_pd(1.0);
  for (; j < n; j += 8) {
    const __mmask8 m = n - j >= 8 ? __mmask8(0xFF) : __mmask8((1u << (n - j)) - 1);
    // Masked-off lanes divide 0 by 1, not by 0.
    const __m512d l = _mm512_mask_blend_pd(m, one, _mm512_maskz_loadu_pd(m, lsb + j));
    const __m512d q =
        rounded_quotient(_mm512_cvtps_pd(_mm256_maskz_loadu_ps(m, y + j)), l,
                         _mm512_mask_blend_pd(m, one, _mm512_maskz_loadu_pd(m, inv + j)));
    const __m512d code = _mm512_min_pd(_mm512_max_pd(q, lo), hi);
    const __m512d acc = _mm512_fmadd_pd(_mm512_mul_pd(code, l), _mm512_maskz_loadu_pd(m, gain + j),
                                        _mm512_setzero_pd());
    const __m512d v = _mm512_min_pd(_mm512_max_pd(acc, lo32), hi32);
    _mm256_mask_storeu_epi32(r + j, m, _mm512_cvttpd_epi32(round_away(v)));
  }
#endif
  for (; j < n; ++j) {
    double o = 0.0;
    o += adc_value(y[j], lsb[j], bottom, top) * gain[j];
    r[j] = accumulator_to_int32(o);
  }
}

}  // namespace

int32_t accumulator_to_int32(double a) {
  constexpr double lo = std::numeric_limits<int32_t>::min(),
                   hi = std::numeric_limits<int32_t>::max();
  return static_cast<int32_t>(quant::round_half_away(std::clamp(a, lo, hi)));
}

AnalogMatrix::AnalogMatrix(std::span<const float> w_nk, int k, int n, uint32_t layer,
                           uint32_t tile_base, const AnalogConfig& c, bool integer_weights,
                           double x_max)
    : k_(k),
      n_(n),
      row_tiles_((k + c.tile_rows - 1) / c.tile_rows),
      col_tiles_((n + c.tile_cols - 1) / c.tile_cols),
      slices_(1),
      layer_(layer),
      tile_base_(tile_base),
      config_(c) {
  // Levels: an int8 model's own weights at 8 bits; otherwise each column (of
  // a tile) or each tile is requantized to 2^(bits−1) − 1 levels of its max.
  const bool native = integer_weights && c.weight_bits >= 8;
  const double levels = native ? 127.0 : quant::weight_levels(c.weight_bits);
  auto weight = [&](int i, int j) { return double(w_nk[std::size_t(j) * k + i]); };
  std::vector<double> scale(std::size_t(row_tiles_) * n, 0.0);
  for (int rt = 0; rt < row_tiles_; ++rt) {
    const int i0 = rt * c.tile_rows, i1 = std::min(k, i0 + c.tile_rows);
    for (int j = 0; j < n; ++j)
      for (int i = i0; i < i1; ++i)
        scale[rt * n + j] = std::max(scale[rt * n + j], std::fabs(weight(i, j)));
    if (c.weight_scaling == WeightScaling::kTile) {
      for (int ct = 0; ct < col_tiles_; ++ct) {
        const int j0 = ct * c.tile_cols, j1 = std::min(n, j0 + c.tile_cols);
        const double m = *std::max_element(&scale[rt * n + j0], &scale[rt * n + j1 - 1] + 1);
        std::fill(&scale[rt * n + j0], &scale[rt * n + j1 - 1] + 1, m);
      }
    }
  }
  factor_.resize(scale.size());
  for (std::size_t t = 0; t < scale.size(); ++t)
    factor_[t] = native ? 1.0 : (scale[t] > 0 ? scale[t] / levels : 0.0);

  // Bit slicing: |q| = Σ_s d_s·B^s with digits d_s < B, one device pair per
  // digit, each using the full conductance range.
  const double largest_q = native ? 128.0 : levels;
  if (c.slice_bits > 0) {
    slice_base_ = std::ldexp(1.0, c.slice_bits);
    slices_ = quant::slices_needed(largest_q, c.slice_bits);
  }
  for (int sl = 0; sl < slices_; ++sl) slice_scale_.push_back(std::pow(slice_base_, sl));
  const double g_max = c.g_max();
  const std::size_t plane = std::size_t(k) * n;
  d_.resize(plane * slices_);
  d_prog_.resize(plane * slices_);
  std::vector<float> ideal(plane * slices_);
  std::vector<double> full_scale(std::size_t(row_tiles_) * n);  // |digit| that maps to g_max
  for (std::size_t t = 0; t < full_scale.size(); ++t)
    full_scale[t] =
        c.slice_bits > 0 ? slice_base_ - 1 : (native ? (scale[t] > 0 ? scale[t] : 1.0) : levels);
  const bool exact =
      c.device == AnalogDevice::kIdeal && c.faults.p_stuck_zero == 0 && c.faults.p_stuck_gmax == 0;
  auto key_of = [&](int sl, int i, int j, int side) {
    const int rt = i / c.tile_rows;
    return noise::StreamKey{c.seed,
                            layer,
                            tile_base + static_cast<uint32_t>(rt * col_tiles_ + j / c.tile_cols),
                            static_cast<uint32_t>(i),
                            static_cast<uint32_t>(j),
                            noise::Purpose::kProgramming,
                            static_cast<uint32_t>(2 * sl + side)};
  };
  // A sweep shares the draws of a (seed, layer, mapping) between its points.
  std::shared_ptr<const DrawCache::Draws> cached;
  if (c.draw_cache && !exact) {
    const std::string id = std::to_string(c.seed) + "/" + std::to_string(layer) + "/" +
                           std::to_string(tile_base) + "/" + std::to_string(k) + "x" +
                           std::to_string(n) + "/" + std::to_string(c.tile_rows) + "x" +
                           std::to_string(c.tile_cols) + "/" + std::to_string(slices_) + "/" +
                           std::to_string(static_cast<int>(c.device)) + "/" +
                           std::to_string(c.faults.p_stuck_zero > 0 || c.faults.p_stuck_gmax > 0);
    cached = c.draw_cache->get(id, [&] {
      DrawCache::Draws draws(plane * slices_ * 2);
#pragma omp parallel for schedule(dynamic, 16)
      for (int i = 0; i < k; ++i)
        for (int sl = 0; sl < slices_; ++sl)
          for (int j = 0; j < n; ++j)
            for (int side = 0; side < 2; ++side)
              draws[(sl * plane + std::size_t(i) * n + j) * 2 + side] =
                  draw_device(c, key_of(sl, i, j, side));
      return draws;
    });
  }
  // Every device is a pure function of its key: rows can be programmed in
  // parallel without changing a single draw.
#pragma omp parallel for schedule(dynamic, 16)
  for (int i = 0; i < k; ++i) {
    const int rt = i / c.tile_rows;
    for (int j = 0; j < n; ++j) {
      const double s = scale[rt * n + j];
      const double q = native ? weight(i, j) : quant::quantize_weight(weight(i, j), s, levels);
      const double full = native ? (s > 0 ? s : 1.0) : levels;  // |q| that maps to g_max
      const std::vector<double> digits =
          c.slice_bits > 0 ? quant::slice_digits(std::fabs(q), c.slice_bits, slices_)
                           : std::vector<double>{std::fabs(q)};
      const double digit_full = c.slice_bits > 0 ? slice_base_ - 1 : full;
      for (int sl = 0; sl < slices_; ++sl) {
        const double signed_digit = q < 0 ? -digits[sl] : digits[sl];
        const quant::PairTargets target = quant::pair_targets(signed_digit, digit_full, g_max);
        // The device holding the level draws under extra 2s, its partner 2s + 1.
        const std::size_t at = sl * plane + std::size_t(i) * n + j;
        const DeviceDraws holder = cached ? (*cached)[at * 2] : draw_device(c, key_of(sl, i, j, 0));
        const DeviceDraws partner =
            cached ? (*cached)[at * 2 + 1] : draw_device(c, key_of(sl, i, j, 1));
        const DeviceRead plus = read_device(c, target.plus, q >= 0 ? holder : partner);
        const DeviceRead minus = read_device(c, target.minus, q >= 0 ? partner : holder);
        // Ideal devices keep the integer levels exactly (no µS round trip).
        d_[at] = static_cast<float>(exact ? signed_digit
                                          : (plus.read - minus.read) / g_max * digit_full);
        d_prog_[at] = static_cast<float>(
            exact ? signed_digit : (plus.programmed - minus.programmed) / g_max * digit_full);
        ideal[at] = static_cast<float>(signed_digit);
      }
    }
  }

  // ADC ranges: `max` is the worst case Σ_i |d_ij|·x_max over a tile's columns.
  range_.assign(adc_count(), c.adc_range == AdcRangeMode::kFixed ? c.adc_fixed_range : 0.0);
  unit_.assign(adc_count(), x_max);
  alpha_.assign(std::size_t(slices_) * row_tiles_ * n, 1.0);
  for (int sl = 0; sl < slices_; ++sl) {
    for (int rt = 0; rt < row_tiles_; ++rt) {
      const int i0 = rt * c.tile_rows, i1 = std::min(k, i0 + c.tile_rows);
      for (int ct = 0; ct < col_tiles_; ++ct) {
        const int j0 = ct * c.tile_cols, j1 = std::min(n, j0 + c.tile_cols);
        const int adc = adc_index(sl, rt, ct);
        unit_[adc] =
            x_max * *std::max_element(&full_scale[rt * n + j0], &full_scale[rt * n + j1 - 1] + 1);
        if (c.adc_range == AdcRangeMode::kBound) range_[adc] = c.adc_bound * unit_[adc];
        if (c.adc_range == AdcRangeMode::kMax) {
          double worst = 0;
          for (int j = j0; j < j1; ++j) {
            double sum = 0;
            for (int i = i0; i < i1; ++i)
              sum += std::fabs(ideal[sl * plane + std::size_t(i) * n + j]);
            worst = std::max(worst, sum * x_max);
          }
          range_[adc_index(sl, rt, ct)] = worst > 0 ? worst : 1.0;
        }
        if (c.compensation == DriftCompensation::kNone) continue;
        // Drift compensation: a fixed set of calibration inputs read right
        // after programming and at t_inf; α = Σ|y(t0)| / Σ|y(t)| per tile
        // (global) or per column.
        const uint32_t tile = tile_base + static_cast<uint32_t>(adc_index(sl, rt, ct));
        std::vector<double> y0(std::size_t(j1 - j0) * kCompensationInputs, 0.0), yt(y0.size(), 0.0);
        for (int v = 0; v < kCompensationInputs; ++v) {
          for (int i = i0; i < i1; ++i) {
            const noise::StreamKey key{c.seed,
                                       layer,
                                       tile,
                                       static_cast<uint32_t>(i),
                                       static_cast<uint32_t>(v),
                                       noise::Purpose::kCalibration,
                                       0};
            const double x = noise::uniform01(key) * x_max;
            const float* dp = &d_prog_[sl * plane + std::size_t(i) * n];
            const float* dr = &d_[sl * plane + std::size_t(i) * n];
            for (int j = j0; j < j1; ++j) {
              y0[std::size_t(j - j0) * kCompensationInputs + v] += x * dp[j];
              yt[std::size_t(j - j0) * kCompensationInputs + v] += x * dr[j];
            }
          }
        }
        double* alpha = &alpha_[(std::size_t(sl) * row_tiles_ + rt) * n];
        double tile0 = 0, tilet = 0;
        for (int j = j0; j < j1; ++j) {
          double a = 0, b = 0;
          for (int v = 0; v < kCompensationInputs; ++v) {
            a += std::fabs(y0[std::size_t(j - j0) * kCompensationInputs + v]);
            b += std::fabs(yt[std::size_t(j - j0) * kCompensationInputs + v]);
          }
          alpha[j] = b > 0 ? a / b : 1.0;
          tile0 += a;
          tilet += b;
        }
        if (c.compensation == DriftCompensation::kGlobal)
          std::fill(alpha + j0, alpha + j1, tilet > 0 ? tile0 / tilet : 1.0);
      }
    }
  }
}

double AnalogMatrix::out_factor(int slice, int rt, int col) const {
  return factor_[std::size_t(rt) * n_ + col] * slice_scale_[slice];
}

double AnalogMatrix::effective_weight(int row, int col) const {
  double w = 0;
  const int rt = row / config_.tile_rows;
  for (int s = 0; s < slices_; ++s)
    w += d_[(std::size_t(s) * k_ + row) * n_ + col] * out_factor(s, rt, col);
  return w;
}

double AnalogMatrix::programmed_weight(int row, int col) const {
  double w = 0;
  const int rt = row / config_.tile_rows;
  for (int s = 0; s < slices_; ++s)
    w += d_prog_[(std::size_t(s) * k_ + row) * n_ + col] * out_factor(s, rt, col);
  return w;
}

double AnalogMatrix::compensation(int slice, int rt, int col) const {
  return alpha_[(std::size_t(slice) * row_tiles_ + rt) * n_ + col];
}

void AnalogMatrix::currents(const float* x, int count, int slice, int rt, float* y) const {
  const int i0 = rt * config_.tile_rows, rows = std::min(k_, i0 + config_.tile_rows) - i0;
  tile_gemm(x + i0, k_, &d_[(std::size_t(slice) * k_ + i0) * n_], n_, y, count, rows, n_);
}

void AnalogMatrix::column_constants(int slice, int rt, const double* ranges, MvmScratch& s) const {
  const AnalogConfig& c = config_;
  const double top = quant::adc_max_code(quant::AdcSpec{c.adc_bits, 1.0, c.adc_signed});
  s.lsb.resize(n_);
  s.gain.resize(n_);
  s.sigma.resize(n_);
  s.inv_lsb.resize(n_);
  const double* alpha = &alpha_[(std::size_t(slice) * row_tiles_ + rt) * n_];
  const double* factor = &factor_[std::size_t(rt) * n_];
  for (int j0 = 0; j0 < n_; j0 += c.tile_cols) {
    const int adc = adc_index(slice, rt, j0 / c.tile_cols);
    const double lsb = ranges[adc] / top, sigma = c.out_noise * unit_[adc];
    for (int j = j0; j < std::min(n_, j0 + c.tile_cols); ++j) {
      s.lsb[j] = lsb;
      s.inv_lsb[j] = 1.0 / lsb;
      s.gain[j] = alpha[j] * (factor[j] * slice_scale_[slice]);
      s.sigma[j] = sigma;
    }
  }
}

void AnalogMatrix::mvm_block(const float* x, int count, const JobKey* jobs, const double* ranges,
                             double* out, std::vector<float>& scratch) const {
  MvmScratch s;
  s.currents.swap(scratch);
  mvm_block(x, count, jobs, ranges, out, s);
  scratch.swap(s.currents);
}

void AnalogMatrix::mvm_block(const float* x, int count, const JobKey* jobs, const double* ranges,
                             double* out, MvmScratch& sc) const {
  const AnalogConfig& c = config_;
  if (!ranges) ranges = range_.data();
  const quant::AdcSpec spec{c.adc_bits, 1.0, c.adc_signed};
  const double top = quant::adc_max_code(spec), bottom = quant::adc_min_code(spec);
  sc.currents.resize(std::size_t(count) * n_);
  std::fill(out, out + std::size_t(count) * n_, 0.0);
  sc.z.resize(c.out_noise > 0 ? std::size_t(std::min(c.tile_cols, n_)) : 0);
  for (int s = 0; s < slices_; ++s) {
    for (int rt = 0; rt < row_tiles_; ++rt) {
      currents(x, count, s, rt, sc.currents.data());
      column_constants(s, rt, ranges, sc);
      const double *lsb = sc.lsb.data(), *gain = sc.gain.data(), *sigma = sc.sigma.data();
      for (int p = 0; p < count; ++p) {
        const float* y = &sc.currents[std::size_t(p) * n_];
        double* o = out + std::size_t(p) * n_;
        if (c.out_noise > 0) {
          // One row of draws per ADC tile (column tile), 64 columns per step.
          for (int j0 = 0; j0 < n_; j0 += c.tile_cols) {
            const int cols = std::min(c.tile_cols, n_ - j0);
            const noise::OutputNoiseRow draws(noise::OutputNoiseKey{
                c.seed, layer_,
                tile_base_ + static_cast<uint32_t>(adc_index(s, rt, j0 / c.tile_cols)),
                jobs[p].image, jobs[p].pixel});
            draws.normals(static_cast<uint32_t>(j0), cols, sc.z.data());
            for (int j = j0; j < j0 + cols; ++j)
              o[j] += adc_value(y[j] + sigma[j] * sc.z[j - j0], lsb[j], bottom, top) * gain[j];
          }
        } else {
          adc_accumulate(y, lsb, gain, n_, bottom, top, o);
        }
      }
    }
  }
}

void AnalogMatrix::mvm_block_int32(const float* x, int count, const JobKey* jobs,
                                   const double* ranges, int32_t* out, int ld,
                                   MvmScratch& sc) const {
  const AnalogConfig& c = config_;
  if (slices_ == 1 && row_tiles_ == 1 && c.out_noise <= 0) {
    // One partial sum per column: ADC, gain and rounding in one pass.
    if (!ranges) ranges = range_.data();
    const quant::AdcSpec spec{c.adc_bits, 1.0, c.adc_signed};
    const double top = quant::adc_max_code(spec), bottom = quant::adc_min_code(spec);
    sc.currents.resize(std::size_t(count) * n_);
    currents(x, count, 0, 0, sc.currents.data());
    column_constants(0, 0, ranges, sc);
    for (int p = 0; p < count; ++p)
      adc_to_int32(&sc.currents[std::size_t(p) * n_], sc.lsb.data(), sc.inv_lsb.data(),
                   sc.gain.data(), n_, bottom, top, out + std::size_t(p) * ld);
    return;
  }
  sc.sums.resize(std::size_t(count) * n_);
  mvm_block(x, count, jobs, ranges, sc.sums.data(), sc);
  for (int p = 0; p < count; ++p)
    accumulators_to_int32(&sc.sums[std::size_t(p) * n_], n_, out + std::size_t(p) * ld);
}

void AnalogMatrix::mvm_reference(const float* x, JobKey job, const double* ranges,
                                 double* out) const {
  const AnalogConfig& c = config_;
  if (!ranges) ranges = range_.data();
  std::fill(out, out + n_, 0.0);
  for (int s = 0; s < slices_; ++s) {
    for (int rt = 0; rt < row_tiles_; ++rt) {
      const int i0 = rt * c.tile_rows, i1 = std::min(k_, i0 + c.tile_rows);
      for (int j = 0; j < n_; ++j) {
        const int ct = j / c.tile_cols;
        double y = 0;
        for (int i = i0; i < i1; ++i) y += double(x[i]) * d_[(std::size_t(s) * k_ + i) * n_ + j];
        const quant::AdcSpec adc{c.adc_bits, ranges[adc_index(s, rt, ct)], c.adc_signed};
        if (c.out_noise > 0) {
          const noise::OutputNoiseRow draws(noise::OutputNoiseKey{
              c.seed, layer_, tile_base_ + static_cast<uint32_t>(adc_index(s, rt, ct)), job.image,
              job.pixel});
          y += c.out_noise * unit_[adc_index(s, rt, ct)] *
               double(draws.normal(static_cast<uint32_t>(j)));
        }
        out[j] += quant::adc_code(adc, y) * quant::adc_lsb(adc) *
                  (compensation(s, rt, j) * out_factor(s, rt, j));
      }
    }
  }
}

}  // namespace aimc
