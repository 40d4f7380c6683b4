#include "engine/kernels/float/recurrent_activations.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <stdexcept>

namespace aimc::floatk {
namespace {

struct ActivationInfo {
  const char* name;
  ActivationKind kind;
  bool takes_alpha, takes_beta;
  // Defaults of the standalone ONNX operators of the same name.
  float alpha, beta;
};

constexpr std::array<ActivationInfo, 11> kActivations{{
    {"Relu", ActivationKind::kRelu, false, false, 0.0f, 0.0f},
    {"Tanh", ActivationKind::kTanh, false, false, 0.0f, 0.0f},
    {"Sigmoid", ActivationKind::kSigmoid, false, false, 0.0f, 0.0f},
    {"Affine", ActivationKind::kAffine, true, true, 1.0f, 0.0f},
    {"LeakyRelu", ActivationKind::kLeakyRelu, true, false, 0.01f, 0.0f},
    {"ThresholdedRelu", ActivationKind::kThresholdedRelu, true, false, 1.0f, 0.0f},
    {"ScaledTanh", ActivationKind::kScaledTanh, true, true, 1.0f, 1.0f},
    {"HardSigmoid", ActivationKind::kHardSigmoid, true, true, 0.2f, 0.5f},
    {"Elu", ActivationKind::kElu, true, false, 1.0f, 0.0f},
    {"Softsign", ActivationKind::kSoftsign, false, false, 0.0f, 0.0f},
    {"Softplus", ActivationKind::kSoftplus, false, false, 0.0f, 0.0f},
}};

bool same_name(const std::string& a, const char* b) {
  std::size_t i = 0;
  for (; i < a.size() && b[i]; ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return i == a.size() && !b[i];
}

const ActivationInfo& info_of(ActivationKind kind) {
  return *std::find_if(kActivations.begin(), kActivations.end(),
                       [&](const ActivationInfo& a) { return a.kind == kind; });
}

const ActivationInfo* find_activation(const std::string& name) {
  for (const auto& a : kActivations) {
    if (same_name(name, a.name)) return &a;
  }
  return nullptr;
}

}  // namespace

void refuse_with(const RecurrentRefusal& refuse, const std::string& what) {
  refuse(what);
  throw std::logic_error("a recurrent refusal returned: " + what);
}

float Activation::operator()(float x) const {
  switch (kind) {
    case ActivationKind::kRelu:
      return std::max(x, 0.0f);
    case ActivationKind::kTanh:
      return std::tanh(x);
    case ActivationKind::kSigmoid:
      return 1.0f / (1.0f + std::exp(-x));
    case ActivationKind::kAffine:
      return alpha * x + beta;
    case ActivationKind::kLeakyRelu:
      return x >= 0.0f ? x : alpha * x;
    case ActivationKind::kThresholdedRelu:
      return x >= alpha ? x : 0.0f;  // ">=" as the recurrent ops' text has it
    case ActivationKind::kScaledTanh:
      return alpha * std::tanh(beta * x);
    case ActivationKind::kHardSigmoid:
      return std::min(std::max(alpha * x + beta, 0.0f), 1.0f);
    case ActivationKind::kElu:
      return x >= 0.0f ? x : alpha * (std::exp(x) - 1.0f);
    case ActivationKind::kSoftsign:
      return x / (1.0f + std::fabs(x));
    case ActivationKind::kSoftplus:
      // log(1 + e^x) without overflow for large x.
      return x > 0.0f ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
  }
  return x;
}

std::vector<Activation> resolve_activations(const std::vector<std::string>& names,
                                            const std::vector<float>& alphas,
                                            const std::vector<float>& betas,
                                            const std::vector<ActivationKind>& defaults,
                                            int directions, const RecurrentRefusal& refuse) {
  const std::size_t per_direction = defaults.size();
  const std::size_t want = per_direction * static_cast<std::size_t>(directions);
  std::vector<Activation> out;
  if (names.empty()) {
    for (int d = 0; d < directions; ++d) {
      for (ActivationKind k : defaults) out.push_back({k, info_of(k).alpha, info_of(k).beta});
    }
    return out;
  }
  if (names.size() != want && names.size() != per_direction) {
    refuse_with(refuse, "activations lists " + std::to_string(names.size()) +
                            " functions, expected " + std::to_string(want));
  }
  std::size_t next_alpha = 0, next_beta = 0;
  for (const auto& name : names) {
    const ActivationInfo* a = find_activation(name);
    if (!a) {
      refuse_with(refuse, "unknown activation '" + name + "'");
    }
    Activation f{a->kind, a->alpha, a->beta};
    if (a->takes_alpha && next_alpha < alphas.size()) f.alpha = alphas[next_alpha++];
    if (a->takes_beta && next_beta < betas.size()) f.beta = betas[next_beta++];
    out.push_back(f);
  }
  // One direction's functions serve both directions of a bidirectional node.
  if (out.size() < want) out.insert(out.end(), out.begin(), out.end());
  return out;
}

}  // namespace aimc::floatk
