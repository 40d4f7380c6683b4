// The float GEMM core's promise (float_gemm_core.h): every element of C is
// the sequential fused sum over k, so its bits do not depend on how many rows
// are multiplied together. A batch-1 Gemm (one row) must give exactly the row
// a batch-8 Gemm gives, which is what keeps float logits batch-independent.
#include "engine/kernels/float/float_gemm_core.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

namespace aimc::floatk {
namespace {

std::vector<float> random_values(std::size_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(gen);
  return v;
}

// The specification: sum_kk a(i, kk) * b(kk, j), fused, in kk order.
float reference_element(const std::vector<float>& a, const std::vector<float>& b, int64_t i,
                        int64_t j, int64_t n, int64_t k) {
  float acc = 0.0f;
  for (int64_t kk = 0; kk < k; ++kk) {
#ifdef __FMA__
    acc = std::fma(a[i * k + kk], b[kk * n + j], acc);
#else
    acc = a[i * k + kk] * b[kk * n + j] + acc;
#endif
  }
  return acc;
}

std::vector<float> product(const std::vector<float>& a, int64_t m, const std::vector<float>& b,
                           int64_t n, int64_t k) {
  std::vector<float> c(m * n), scratch;
  gemm_strided(a.data(), k, 1, b.data(), n, 1, m, n, k, c.data(), n, scratch);
  return c;
}

TEST(FloatGemmCore, EveryRowCountGivesTheSequentialFusedSum) {
  const int64_t n = 37, k = 53, rows = 13;  // 13 = two full 6-row panels and one of 1
  const auto a = random_values(rows * k, 1), b = random_values(k * n, 2);
  const auto full = product(a, rows, b, n, k);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < n; ++j)
      ASSERT_EQ(full[i * n + j], reference_element(a, b, i, j, n, k)) << i << "," << j;
  // The first m rows alone, for every panel height 1..6 and beyond.
  for (int64_t m = 1; m <= rows; ++m) {
    const std::vector<float> first(a.begin(), a.begin() + m * k);
    const auto part = product(first, m, b, n, k);
    EXPECT_EQ(0, std::memcmp(part.data(), full.data(), part.size() * sizeof(float)))
        << "rows 0.." << m - 1 << " differ when multiplied " << m << " at a time";
  }
}

}  // namespace
}  // namespace aimc::floatk
