#pragma once
// One layer's weight matrix programmed onto crossbar tiles (docs/ARCHITECTURE.md, Analog MVM).
// W [K rows × N columns] is split into tiles of at most R×C; each weight is
// quantized to its levels and held by a differential pair (G+, G−) — or by
// one pair per bit slice — programmed once per (seed, layer) and drifted to
// t_inf. An MVM sends DAC-encoded inputs through each (slice, row tile),
// digitises every column on the tile's ADC (after the per-MVM output noise),
// applies drift compensation and adds the partial sums digitally.
//
// Two implementations with one meaning: mvm_reference (the specification, one
// job, double precision) and mvm_block (many jobs, float GEMM on the
// materialised conductance matrices). With integer inputs and weights the
// float sums are exact, so both give identical results for ideal devices;
// with noisy devices they differ only where rounding moves a current across
// an ADC decision boundary (tests bound how often).
#include <cstdint>
#include <span>
#include <vector>

#include "engine/analog/analog_config.h"

namespace aimc {

// The key of one MVM's output noise: which image (global index) and which
// output pixel (job) it belongs to.
struct JobKey {
  uint32_t image = 0;
  uint32_t pixel = 0;
};

// Buffers of mvm_block that one thread reuses from call to call.
struct MvmScratch {
  std::vector<float> currents, z;
  std::vector<double> lsb, inv_lsb, gain, sigma, sums;
};

// An accumulator rounded half away from zero after saturation to int32: the
// integer a layer's requantization receives.
int32_t accumulator_to_int32(double a);

class AnalogMatrix {
 public:
  // weights_nk: N rows (output columns) of K weights. integer_weights: they
  // are an int8 model's levels, kept as they are when weight_bits >= 8.
  // x_max: the largest |input| the DAC presents (sets the `max` ADC range and
  // the compensation's calibration inputs). tile_base offsets the tile index
  // in the noise keys (several matrices of one layer, e.g. depthwise blocks).
  // chosen_levels: levels [N × K] computed beforehand (GPTQ) instead of
  // plain rounding, when the weights are quantized; empty: rounding.
  AnalogMatrix(std::span<const float> weights_nk, int k, int n, uint32_t layer, uint32_t tile_base,
               const AnalogConfig& config, bool integer_weights, double x_max,
               std::span<const int16_t> chosen_levels = {});

  int rows() const { return k_; }
  int cols() const { return n_; }
  int row_tiles() const { return row_tiles_; }
  int col_tiles() const { return col_tiles_; }
  int slices() const { return slices_; }
  // ADCs: one per (slice, row tile, column tile), in that order.
  int adc_count() const { return slices_ * row_tiles_ * col_tiles_; }
  int adc_index(int slice, int rt, int ct) const {
    return (slice * row_tiles_ + rt) * col_tiles_ + ct;
  }
  // Ranges of the `max`, `bound` and fixed modes (0 for `calibrated`: the caller's).
  const std::vector<double>& own_adc_ranges() const { return range_; }
  // One normalized unit of an ADC's current: x_max × its full-scale weight.
  double normalized_unit(int adc) const { return unit_[adc]; }

  // Column currents of one (slice, row tile) before the ADC, for `count`
  // jobs: y[count × N] = x[count × K restricted to the tile's rows] · D.
  // x holds DAC outputs, row-major with K per job.
  void currents(const float* x, int count, int slice, int rt, float* y) const;

  // The digitised, compensated sum of all tiles for `count` jobs, in weight ×
  // input units: out[count × N]. ranges: adc_count() values (nullptr = own).
  void mvm_block(const float* x, int count, const JobKey* jobs, const double* ranges, double* out,
                 std::vector<float>& scratch) const;
  void mvm_block(const float* x, int count, const JobKey* jobs, const double* ranges, double* out,
                 MvmScratch& scratch) const;
  // The same, each value through accumulator_to_int32: out[p · ld + j]. With
  // one slice, one row tile and no output noise the doubles are never stored.
  void mvm_block_int32(const float* x, int count, const JobKey* jobs, const double* ranges,
                       int32_t* out, int ld, MvmScratch& scratch) const;
  // The specification of the same, one job at a time, in double precision.
  void mvm_reference(const float* x, JobKey job, const double* ranges, double* out) const;

  // The weight an ideal read of the programmed, drifted devices gives, in
  // the caller's weight units; for tests and tile statistics.
  double effective_weight(int row, int col) const;
  // The same right after programming (the reference of drift compensation).
  double programmed_weight(int row, int col) const;
  // Drift-compensation factor of an (slice, row tile, column): 1 without.
  double compensation(int slice, int rt, int col) const;

 private:
  double out_factor(int slice, int rt, int col) const;  // digit units -> weight units
  // lsb, gain and sigma of every column of one (slice, row tile).
  void column_constants(int slice, int rt, const double* ranges, MvmScratch& s) const;
  int k_, n_, row_tiles_, col_tiles_, slices_;
  uint32_t layer_, tile_base_;
  AnalogConfig config_;
  double slice_base_ = 1;            // significance ratio of consecutive slices
  std::vector<double> slice_scale_;  // [slice] slice_base_^slice
  std::vector<float> d_;             // [slice][K][N] read conductance differences, digit units
  std::vector<float> d_prog_;        // same, right after programming
  std::vector<double> factor_;       // [row tile][N] weight units per digit of slice 0
  std::vector<double> alpha_;        // [slice][row tile][N] compensation
  std::vector<double> range_;        // [adc_count()]
  std::vector<double> unit_;         // [adc_count()] normalized unit: x_max × full-scale digit
};

}  // namespace aimc
