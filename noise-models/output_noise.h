#pragma once
// Per-MVM output noise: one standard normal per (seed, layer, ADC tile,
// image, pixel, column), from Philox4x32-10 streams like every other draw,
// but laid out so that 16 Philox blocks on AVX-512 lanes give 64 neighbouring
// columns at once, and transformed by a Box-Muller whose log, sin and cos are
// our own float polynomials: the scalar function below is the specification,
// and the vector path performs the same IEEE operations (fused multiply-adds
// included), so both give the same bits.
//
// Column j of a row draws from Philox block b = (j / 64) * 16 + j % 16 and
// uses its words (w0, w1) for j % 64 < 32 and (w2, w3) otherwise, with
//   u1 = (w_a >> 8 + 0.5) * 2^-24   (never 0 or 1),
//   q  = w_b >> 30, f = (w_b & (2^30 - 1)) * 2^-30,  angle = (q + f) * pi / 2,
//   z  = sqrt(-2 ln u1) * (cos(angle) for j % 32 < 16, else sin(angle)).
// |z| <= 5.9 (u1 >= 2^-25): the normal's tails beyond 5.9 sigma (probability
// 4e-9) are cut.
#include <cstdint>

namespace aimc::noise {

struct OutputNoiseKey {
  uint64_t seed = 0;
  uint32_t layer = 0;  // < 2^20
  uint32_t tile = 0;   // the ADC tile (global index)
  uint32_t image = 0;
  uint32_t pixel = 0;
};

// The Philox key and counter words shared by one row of draws.
class OutputNoiseRow {
 public:
  explicit OutputNoiseRow(const OutputNoiseKey& key);
  // The specification: the normal of column j.
  float normal(uint32_t column) const;
  // z[i] = normal(first + i) for i < count, first a multiple of 64; uses
  // AVX-512 when the build has it, else the scalar form.
  void normals(uint32_t first, int count, float* z) const;
  // The four words of Philox block b (exposed for the tests).
  void block(uint32_t b, uint32_t out[4]) const;

 private:
  uint32_t key_[2];
  uint32_t ctr_[3];  // words 0..2 of the counter; word 3 is the block
};

// The polynomial log and sin/cos of the transform (exposed for the tests):
// ln(u) for 0 < u <= 1, and sin, cos of (pi / 2) * f for 0 <= f <= 1.
float noise_log(float u);
void noise_sincos_quarter(float f, float& s, float& c);

}  // namespace aimc::noise
