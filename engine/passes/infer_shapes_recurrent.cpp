#include "engine/passes/infer_shapes_recurrent.h"

#include "engine/kernels/float/recurrent_attrs.h"
#include "engine/kernels/int8/qdynamic_lstm.h"

namespace aimc {

std::vector<Shape> infer_recurrent_shapes(const Node& n,
                                          std::span<const std::optional<Shape>> inputs,
                                          const std::function<void(const std::string&)>& refuse) {
  using namespace floatk;
  for (std::size_t i = kInX; i <= kInR; ++i) {
    if (i >= n.inputs.size() || n.inputs[i].empty()) {
      refuse_with(refuse, "expects inputs X, W and R, input " + std::to_string(i) + " is missing");
    }
  }
  // The same reading and checks as the kernels (engine/kernels/float/recurrent_attrs.h).
  const RecurrentAttrs a = read_recurrent_attrs(n, refuse);
  return recurrent_output_shapes(a, check_recurrent_inputs(a, inputs, refuse));
}

std::vector<Shape> infer_dynamic_lstm_shapes(
    const Node& n, std::span<const std::optional<Shape>> inputs,
    const std::function<void(const std::string&)>& refuse) {
  // The same checks as the kernel's.
  return int8k::qdynamic_lstm_output_shapes(int8k::check_qdynamic_lstm(n, inputs, refuse));
}

}  // namespace aimc
