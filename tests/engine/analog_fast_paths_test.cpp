// The analog path's fast kernels against their plain forms, bit for bit: the
// DAC table conversion of int8 activations, and the fused ADC-to-int32 pass
// of AnalogMatrix (whose vector form skips the division where it is safe).
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <random>
#include <vector>

#include "engine/analog/analog_matrix.h"
#include "engine/kernels/int8/dac_gather.h"

namespace aimc {
namespace {

std::vector<float> random_values(std::size_t n, int lo, int hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(d(rng));
  return v;
}

void expect_same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    ASSERT_EQ(std::bit_cast<uint32_t>(a[i]), std::bit_cast<uint32_t>(b[i])) << "at " << i;
}

TEST(DacTable, ConvertMatchesLookupsForOffsetAndGeneralTables) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(-128, 127);
  std::vector<int8_t> src(1000);
  for (auto& v : src) v = static_cast<int8_t>(byte(rng));
  for (int zp : {-128, 0, 5, 127}) {
    std::array<float, 256> offset, coarse;
    for (int v = -128; v < 128; ++v) {
      offset[static_cast<uint8_t>(v)] = static_cast<float>(v - zp);
      coarse[static_cast<uint8_t>(v)] = static_cast<float>(((v - zp) / 4) * 4) + 0.5f;
    }
    for (const auto& table : {offset, coarse}) {
      const int8k::DacTable dac(table, zp);
      for (std::size_t n : {0, 1, 15, 16, 17, 100, 1000}) {
        std::vector<float> got(n), want(n);
        dac.convert(src.data(), n, got.data());
        int8k::dac_convert_scalar(dac, src.data(), n, want.data());
        for (std::size_t i = 0; i < n; ++i) want[i] = table[static_cast<uint8_t>(src[i])];
        expect_same_bits(got, want);
      }
    }
  }
}

// mvm_block_int32 against mvm_block followed by accumulator_to_int32.
void expect_int32_matches(const AnalogConfig& c, const std::vector<float>& w,
                          const std::vector<float>& x, int k, int n, int count,
                          const std::vector<double>& ranges) {
  const AnalogMatrix m(w, k, n, 9, 0, c, true, c.dac.full_scale);
  const double* r = ranges.empty() ? nullptr : ranges.data();
  std::vector<JobKey> jobs(count);
  for (int p = 0; p < count; ++p) jobs[p] = {1, static_cast<uint32_t>(p)};
  std::vector<double> sums(std::size_t(count) * n);
  MvmScratch scratch;
  m.mvm_block(x.data(), count, jobs.data(), r, sums.data(), scratch);
  const int ld = n + 3;  // a row stride wider than the block, as in a layer
  std::vector<int32_t> got(std::size_t(count) * ld, -7);
  m.mvm_block_int32(x.data(), count, jobs.data(), r, got.data(), ld, scratch);
  for (int p = 0; p < count; ++p) {
    for (int j = 0; j < n; ++j)
      ASSERT_EQ(got[std::size_t(p) * ld + j], accumulator_to_int32(sums[std::size_t(p) * n + j]))
          << "job " << p << " column " << j;
    for (int j = n; j < ld; ++j) ASSERT_EQ(got[std::size_t(p) * ld + j], -7);
  }
}

void expect_int32_matches(const AnalogConfig& c, int k, int n, int count,
                          const std::vector<double>& ranges) {
  expect_int32_matches(c, random_values(std::size_t(k) * n, -127, 127, 3),
                       random_values(std::size_t(count) * k, 0, 255, 4), k, n, count, ranges);
}

TEST(AnalogMatrixInt32, FusedPassMatchesRoundedDoubles) {
  AnalogConfig c;
  c.adc_bits = 8;
  for (int n : {1, 7, 16, 37, 96}) expect_int32_matches(c, 27, n, 33, {});
  // LSBs of 2 and 4 put integer currents exactly on half-integer codes (the
  // division fallback); 3 and odd ranges do not.
  for (double range : {254.0, 508.0, 381.0, 1000.5, 12345.678}) {
    expect_int32_matches(c, 16, 40, 20, {range});
    expect_int32_matches(c, 200, 24, 20, {range});
  }
  // Unclipped codes on exact half-integers: LSB 2 and 0.5 with 2^19 − 1 codes.
  c.adc_bits = 20;
  for (double range : {2.0 * 524287, 0.5 * 524287, 3.0 * 524287})
    expect_int32_matches(c, 16, 40, 20, {range});
  c.adc_bits = 28;  // codes up to 2^27: the widest the presets use
  expect_int32_matches(c, 144, 24, 16, {});
  expect_int32_matches(c, 144, 24, 16, {144.0 * 255 * 127});
}

// Currents 0..255 (one unit weight) under LSBs for which y · (1 / lsb) and
// y / lsb round differently at some y (found by search): only the division
// fallback gets these right.
TEST(AnalogMatrixInt32, QuotientsNextToHalfIntegersTakeTheDivision) {
  AnalogConfig c;
  c.adc_bits = 20;
  const int n = 9, count = 256;
  std::vector<float> x(count);
  for (int p = 0; p < count; ++p) x[p] = static_cast<float>(p);
  for (double range : {403297.6923076923, 582541.1111111111, 185042.4705882353, 241978.6153846154})
    expect_int32_matches(c, std::vector<float>(n, 1.0f), x, 1, n, count, {range});
}

TEST(AnalogMatrixInt32, SlicedTiledAndNoisyLayersMatchRoundedDoubles) {
  AnalogConfig c;
  c.adc_bits = 8;
  c.tile_rows = 64;
  c.tile_cols = 32;
  expect_int32_matches(c, 150, 70, 9, {});  // 3 row tiles, 3 column tiles
  c.out_noise = 0.04;
  expect_int32_matches(c, 50, 20, 9, {});
  c.out_noise = 0;
  c.slice_bits = 2;
  c.weight_bits = 8;
  expect_int32_matches(c, 50, 20, 9, {});
}

}  // namespace
}  // namespace aimc
