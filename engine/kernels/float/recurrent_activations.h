#pragma once
// The activation functions of the ONNX recurrent operators (LSTM, GRU, RNN):
// the names their `activations` attribute may list, with the
// `activation_alpha` / `activation_beta` parameters some of them take.
#include <functional>
#include <string>
#include <vector>

namespace aimc::floatk {

enum class ActivationKind {
  kRelu,
  kTanh,
  kSigmoid,
  kAffine,
  kLeakyRelu,
  kThresholdedRelu,
  kScaledTanh,
  kHardSigmoid,
  kElu,
  kSoftsign,
  kSoftplus,
};

struct Activation {
  ActivationKind kind = ActivationKind::kTanh;
  float alpha = 0.0f, beta = 0.0f;

  float operator()(float x) const;
};

// Called with a message when the attributes are refused; must throw.
using RecurrentRefusal = std::function<void(const std::string&)>;
[[noreturn]] void refuse_with(const RecurrentRefusal& refuse, const std::string& what);

// The functions of every direction, `per_direction` of them each (LSTM: f, g,
// h; GRU: f, g; RNN: f), from the node's names (matched case-insensitively,
// as onnxruntime does). Empty `names` gives the op's defaults. A bidirectional
// node may list one direction's functions, used for both. alpha and beta are
// consumed in the order of the functions that take them (the ONNX text); a
// function whose value is not listed gets the default of the ONNX operator of
// the same name (LeakyRelu alpha 0.01, HardSigmoid 0.2 and 0.5, ...).
std::vector<Activation> resolve_activations(const std::vector<std::string>& names,
                                            const std::vector<float>& alphas,
                                            const std::vector<float>& betas,
                                            const std::vector<ActivationKind>& defaults,
                                            int directions, const RecurrentRefusal& refuse);

}  // namespace aimc::floatk
