// The vectorised input quantization (float NCHW -> int8 NHWC) equals the
// scalar quant::quantize_value loop byte for byte, including ties (half to
// even), values past the int8 range, infinities, NaN and -0.
#include "engine/kernels/int8/quantize_rows.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace aimc::int8k {
namespace {

TEST(QuantizeRows, VectorFormEqualsTheScalarOracle) {
  std::mt19937 rng(3);
  std::normal_distribution<float> d(0.0f, 2.0f);
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const float scale : {0.0078125f, 0.017f, 1.0f}) {
    for (const int32_t zp : {-128, -1, 0, 3, 127}) {
      for (const int64_t channels : {1, 3, 4, 5}) {
        for (const int64_t positions : {0, 1, 15, 16, 17, 50}) {
          std::vector<float> x(channels * positions);
          for (std::size_t i = 0; i < x.size(); ++i) {
            switch (i % 8) {
              case 0:  // exact ties k + 0.5 after the division
                x[i] = (static_cast<float>(static_cast<int>(i % 9) - 4) + 0.5f) * scale;
                break;
              case 1:
                x[i] = d(rng) * 200 * scale;  // mostly past the int8 range
                break;
              case 2:
                x[i] = (i / 8) % 3 == 0 ? nan : ((i / 8) % 3 == 1 ? inf : -inf);
                break;
              case 3:
                x[i] = -0.0f;
                break;
              default:
                x[i] = d(rng);
            }
          }
          std::vector<int8_t> fast(x.size(), 99), want(x.size(), 98);
          quantize_planes_to_nhwc(x.data(), channels, positions, scale, zp, fast.data());
          quantize_planes_to_nhwc_scalar(x.data(), channels, positions, scale, zp, want.data());
          EXPECT_EQ(fast, want) << "scale " << scale << " zero point " << zp << " channels "
                                << channels << " positions " << positions;
        }
      }
    }
  }
}

}  // namespace
}  // namespace aimc::int8k
