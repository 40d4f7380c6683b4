#pragma once
// The float end of QDynamicGemm and QDynamicConv (the lowered form of
// DynamicQuantizeLinear → MatMulInteger/ConvInteger → Cast → Mul(s) →
// [Add] → [Relu|Clip], engine/passes/lower_dynamic.h): the int32
// accumulator becomes float and goes through the same float32 operations,
// in the same order, as the Cast, Mul, Add and activation kernels of float
// mode, so the two modes agree bit for bit.
//
// Node attributes, written by the lowering:
//   scale_steps   one entry per Mul, in order: 0 = by a constant, 1 = by the
//                 run's x scale, 2 = by (x scale · constant) computed first
//   scale_<i>     the constant of step i (1 value, or one per channel)
//   bias          the Add's constant (1 value, or one per channel)
//   activation    "Relu" or "Clip" (clip_min, clip_max), or absent
#include <cstdint>
#include <string>
#include <vector>

#include "engine/graph.h"

namespace aimc::int8k {

class DynamicEpilogue {
 public:
  // Reads and checks the attributes (constants of 1 or `channels` values).
  DynamicEpilogue(const Graph& g, const Node& n, int64_t channels);

  // The factor of every step for one run's x scale: [step][1 or channels].
  using Factors = std::vector<std::vector<float>>;
  Factors factors(float x_scale) const;

  // out[i] for acc[i] of output channel `channel`, i < count.
  void apply(const Factors& f, int64_t channel, const int32_t* acc, int64_t count,
             float* out) const;
  // out[j] for acc[j] of channel j, j < channels (one row of a Gemm).
  void apply_row(const Factors& f, const int32_t* acc, float* out) const;

 private:
  float value(const Factors& f, int64_t channel, int32_t acc) const;

  struct Step {
    int kind = 0;
    std::vector<float> constant;
  };
  std::vector<Step> steps_;
  std::vector<float> bias_;  // empty: no Add
  enum Activation { kNone, kRelu, kClip } activation_ = kNone;
  float clip_min_ = 0.0f, clip_max_ = 0.0f;
  int64_t channels_ = 0;
};

}  // namespace aimc::int8k
