#pragma once
// What a model may ask of the machine (README "Limits and robustness"). A
// model beyond these is refused with BadInput (exit code 2) naming the file
// and the tensor, value or node, before anything large is allocated.
#include <cstdint>
#include <optional>
#include <vector>

namespace aimc {

// The model file itself; protobuf cannot parse more than 2 GiB anyway.
inline constexpr int64_t kMaxModelBytes = (int64_t{2} << 30) - 1;
// Any one tensor: an initializer, a declared or an inferred value (with the
// batch dimension counted as 1). 2^28 float32 elements are 1 GiB.
inline constexpr int64_t kMaxTensorElements = int64_t{1} << 28;
// ONNX default-domain opsets whose operator semantics aimc implements.
inline constexpr int64_t kMinOpset = 1;
inline constexpr int64_t kMaxOpset = 18;

// The element count of a shape whose unknown (negative) dims count as 1, or
// nullopt when it exceeds kMaxTensorElements (no overflow on the way).
inline std::optional<int64_t> bounded_elements(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) continue;
    if (d == 0) return 0;
    if (d > kMaxTensorElements || n > kMaxTensorElements / d) return std::nullopt;
    n *= d;
  }
  return n;
}

}  // namespace aimc
