#include "engine/kernels/int8/qdynamic_epilogue.h"

#include "engine/kernels/float/float_common.h"
#include "engine/kernels/int8/int8_common.h"
#include "engine/kernels/int8/no_fma.h"

namespace aimc::int8k {
namespace {

inline float at(const std::vector<float>& v, int64_t channel) {
  return v[v.size() == 1 ? 0 : static_cast<std::size_t>(channel)];
}

}  // namespace

DynamicEpilogue::DynamicEpilogue(const Graph& g, const Node& n, int64_t channels)
    : channels_(channels) {
  auto per_channel = [&](const std::vector<float>& v, const std::string& what) {
    if (v.size() != 1 && static_cast<int64_t>(v.size()) != channels)
      fail(g, n,
           what + " has " + std::to_string(v.size()) + " values for " + std::to_string(channels) +
               " channels");
    return v;
  };
  const auto kinds = n.attr_ints("scale_steps");
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    Step s;
    s.kind = static_cast<int>(kinds[i]);
    if (s.kind < 0 || s.kind > 2) fail(g, n, "unknown scale step " + std::to_string(s.kind));
    if (s.kind != 1)
      s.constant = per_channel(n.attr_floats("scale_" + std::to_string(i)), "scale step");
    steps_.push_back(std::move(s));
  }
  if (n.has_attr("bias")) bias_ = per_channel(n.attr_floats("bias"), "bias");
  const std::string act = n.attr_string("activation", "");
  if (!act.empty() && act != "Relu" && act != "Clip")
    fail(g, n, "unknown activation '" + act + "'");
  activation_ = act == "Relu" ? kRelu : act == "Clip" ? kClip : kNone;
  clip_min_ = n.attr_float("clip_min", 0.0f);
  clip_max_ = n.attr_float("clip_max", 0.0f);
}

DynamicEpilogue::Factors DynamicEpilogue::factors(float x_scale) const {
  Factors f;
  for (const Step& s : steps_) {
    if (s.kind == 1) {
      f.push_back({x_scale});
    } else if (s.kind == 0) {
      f.push_back(s.constant);
    } else {
      // Mul(x_scale, constant) of float mode: one rounding per channel.
      std::vector<float> v(s.constant.size());
      for (std::size_t c = 0; c < v.size(); ++c) v[c] = x_scale * s.constant[c];
      f.push_back(std::move(v));
    }
  }
  return f;
}

float DynamicEpilogue::value(const Factors& f, int64_t channel, int32_t acc) const {
  float v = static_cast<float>(acc);  // Cast(to = FLOAT)
  for (const auto& factor : f) v = rounded(v * at(factor, channel));
  if (!bias_.empty()) v = rounded(v + at(bias_, channel));
  if (activation_ == kRelu) return v < 0.0f ? 0.0f : v;  // the Relu kernel: NaN passes
  if (activation_ == kClip) return floatk::clip_value(v, clip_min_, clip_max_);
  return v;
}

void DynamicEpilogue::apply(const Factors& f, int64_t channel, const int32_t* acc, int64_t count,
                            float* out) const {
  for (int64_t i = 0; i < count; ++i) out[i] = value(f, channel, acc[i]);
}

void DynamicEpilogue::apply_row(const Factors& f, const int32_t* acc, float* out) const {
  for (int64_t j = 0; j < channels_; ++j) out[j] = value(f, j, acc[j]);
}

}  // namespace aimc::int8k
