#include "engine/analog/analog_matrix.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "engine/analog/adc_ranges.h"
#include "engine/analog/device_programming.h"
#include "engine/analog/drift_compensation.h"
#include "engine/analog/tile_gemm.h"
#include "engine/analog/weight_mapping.h"
#include "noise-models/output_noise.h"

namespace aimc {
namespace {

// The ADC of docs/ARCHITECTURE.md, Analog MVM (quant::adc_code), written out so that the block path
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
                           double x_max, std::span<const int16_t> chosen_levels)
    : k_(k),
      n_(n),
      row_tiles_((k + c.tile_rows - 1) / c.tile_rows),
      col_tiles_((n + c.tile_cols - 1) / c.tile_cols),
      slices_(1),
      layer_(layer),
      tile_base_(tile_base),
      config_(c) {
  WeightMapping w = map_weights(w_nk, TileGrid(k, n, c.tile_rows, c.tile_cols), c, integer_weights,
                                chosen_levels);
  const TileGrid grid(k, n, c.tile_rows, c.tile_cols, w.slices);
  ProgrammedPlanes planes = program_devices(w, grid, c, layer, tile_base);
  AdcRanges adc = adc_ranges(w, grid, c, x_max);
  alpha_ = drift_compensation(grid, planes.programmed, planes.read, c, layer, tile_base, x_max,
                              {planes.intended, planes.predistorted});
  slices_ = w.slices;
  slice_base_ = w.slice_base;
  slice_scale_ = std::move(w.slice_scale);
  factor_ = std::move(w.factor);
  d_ = std::move(planes.read);
  d_prog_ = std::move(planes.programmed);
  range_ = std::move(adc.range);
  unit_ = std::move(adc.unit);
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
