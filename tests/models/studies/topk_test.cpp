// Top-k breaks ties toward the lower class index (../shared/README.md);
// TopKCounts counts hits the way every accuracy study reports them.
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

TEST(TopKCounts, CountsTop1AndTop5Hits) {
  TopKCounts c;
  const std::vector<float> s = {0.1f, 0.9f, 0.5f, 0.3f, 0.2f, 0.4f, 0.0f};
  c.add(s, 1);  // first: top-1 and top-5
  c.add(s, 3);  // fourth: top-5 only
  c.add(s, 6);  // last of seven: neither
  EXPECT_EQ(c.images, 3);
  EXPECT_EQ(c.top1, 1);
  EXPECT_EQ(c.top5, 2);
  EXPECT_DOUBLE_EQ(c.top1_rate(), 1.0 / 3);
  EXPECT_DOUBLE_EQ(c.top5_rate(), 2.0 / 3);
}

TEST(TopKCounts, TiesCountForTheLowerIndexOnly) {
  TopKCounts c;
  const std::vector<float> s = {1, 1, 1, 1, 1, 1};
  c.add(s, 0);
  c.add(s, 1);
  c.add(s, 5);  // sixth of six equal scores: outside the top five
  EXPECT_EQ(c.top1, 1);
  EXPECT_EQ(c.top5, 2);
}

TEST(TopKCounts, EmptyIsZero) {
  const TopKCounts c;
  EXPECT_EQ(c.top1_rate(), 0.0);
  EXPECT_EQ(c.top5_rate(), 0.0);
  TopKCounts none;
  none.add(std::vector<float>{}, 0);  // no classes: no hit
  EXPECT_EQ(none.images, 1);
  EXPECT_EQ(none.top5, 0);
}

}  // namespace
}  // namespace aimc::models
