#pragma once
// Weights onto conductances (docs/ARCHITECTURE.md, Analog MVM): a weight is
// quantized to the levels of its column's (or tile's) scale, optionally
// split into bit slices, and each signed level is held by a differential
// pair G+ = g_max·max(q, 0)/q_max, G− = g_max·max(−q, 0)/q_max.
#include <vector>

namespace aimc::quant {

// Levels on each side of zero for a weight precision of `bits` (sign included).
double weight_levels(int bits);

// round(w·levels/scale), 0 for a zero scale.
double quantize_weight(double w, double scale, double levels);

// How many base-2^slice_bits digits hold magnitudes up to `largest`.
int slices_needed(double largest, int slice_bits);

// |q| as base-2^slice_bits digits, least significant first.
std::vector<double> slice_digits(double magnitude, int slice_bits, int slices);

struct PairTargets {
  double plus = 0, minus = 0;  // µS
};
// The pair holding signed level q when |q| = q_max maps onto g_max.
PairTargets pair_targets(double q, double q_max, double g_max);

}  // namespace aimc::quant
