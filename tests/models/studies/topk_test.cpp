// Top-k breaks ties toward the lower class index (../shared/README.md).
#include "models/studies/topk.h"

#include <gtest/gtest.h>

namespace aimc::models {
namespace {

TEST(TopK, TiesGoToTheLowerIndex) {
  const std::vector<float> s = {1, 5, 3, 5, 5, 2};
  EXPECT_EQ(top_k(s, 3), (std::vector<int>{1, 3, 4}));
  EXPECT_EQ(top_k(s, 5), (std::vector<int>{1, 3, 4, 2, 5}));
}

TEST(TopK, KLargerThanClasses) {
  EXPECT_EQ(top_k(std::vector<float>{0, 1}, 5), (std::vector<int>{1, 0}));
}

TEST(Softmax, SumsToOneAndKeepsOrder) {
  const auto p = softmax(std::vector<float>{1, 2, 3});
  EXPECT_NEAR(p[0] + p[1] + p[2], 1.0, 1e-6);
  EXPECT_LT(p[0], p[1]);
  EXPECT_LT(p[1], p[2]);
}

}  // namespace
}  // namespace aimc::models
