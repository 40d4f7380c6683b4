#pragma once
// Plain shape structs for the pure integer kernels (no graph types here).
#include <cstdint>

namespace aimc::quant {

struct Nhwc {
  int n = 1, h = 1, w = 1, c = 1;
  int64_t size() const { return int64_t{n} * h * w * c; }
  int64_t offset(int b, int y, int x, int ch) const {
    return ((int64_t{b} * h + y) * w + x) * c + ch;
  }
};

struct ActivationRange {
  int32_t min = -128;
  int32_t max = 127;
};

}  // namespace aimc::quant
