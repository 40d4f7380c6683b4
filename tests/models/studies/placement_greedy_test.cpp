// The greedy rule of the placement search on a network whose top-1 is known
// in closed form: each layer costs its own drop when analog, and two chosen
// layers interact (together they cost more than apart), so a rule that only
// read the single-layer drops would be wrong.
#include "models/studies/placement_greedy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace aimc::models {
namespace {

std::vector<std::string> names(const std::vector<PlacementCandidate>& c) {
  std::vector<std::string> out;
  for (const auto& x : c) out.push_back(x.name);
  return out;
}

TEST(GreedyOrder, CheapestDropPerEnergySavedFirstAndNonSavingLayersLeftOut) {
  const std::vector<PlacementCandidate> c = {
      {"a", "conv", 0.02, 10},   // 0.002 per µJ
      {"b", "conv", 0.00, 5},    // free: first among the free by saving
      {"c", "conv", -0.01, 50},  // a gain counts as free
      {"d", "conv", 0.01, 100},  // 0.0001 per µJ
      {"e", "conv", 0.00, 0},    // saves nothing
      {"f", "conv", 0.00, -3},   // costs energy on the crossbar
      {"g", "conv", 0.02, 10}};  // ties with a: by name
  EXPECT_EQ(names(greedy_order(c)), (std::vector<std::string>{"c", "b", "d", "a", "g"}));
}

TEST(GreedyPlacement, KeepsEachLayerWhileTheNetworkStaysWithinTheDrop) {
  const double digital = 0.90;
  const std::map<std::string, double> drop = {{"a", 0.0}, {"b", 0.005}, {"c", 0.03}, {"d", 0.01}};
  int calls = 0;
  const auto top1_of = [&](const std::vector<std::string>& analog) {
    ++calls;
    double t = digital;
    for (const auto& n : analog) t -= drop.at(n);
    // a and d together cost 0.02 more than apart.
    const auto has = [&](const char* n) {
      return std::find(analog.begin(), analog.end(), n) != analog.end();
    };
    if (has("a") && has("d")) t -= 0.02;
    return t;
  };
  std::vector<PlacementCandidate> ordered;
  for (const auto& n : {"a", "b", "d", "c"}) ordered.push_back({n, "conv", drop.at(n), 1});
  std::vector<std::pair<int, int>> seen;
  const GreedyPlacement g =
      greedy_placement(ordered, digital, 0.015, top1_of, [&](int done, int of) {
        seen.push_back({done, of});
      });
  // a (0), b (0.005) kept; d would make 0.035; c would make 0.035.
  EXPECT_EQ(g.analog, (std::vector<std::string>{"a", "b"}));
  EXPECT_NEAR(g.top1, 0.895, 1e-12);
  ASSERT_EQ(g.steps.size(), 4u);
  EXPECT_TRUE(g.steps[0].kept);
  EXPECT_TRUE(g.steps[1].kept);
  EXPECT_FALSE(g.steps[2].kept);
  EXPECT_NEAR(g.steps[2].top1, 0.90 - 0.005 - 0.01 - 0.02, 1e-12);
  EXPECT_FALSE(g.steps[3].kept);
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(seen.back(), (std::pair<int, int>{4, 4}));

  // A looser drop keeps d as well, but still not c on top of it.
  const GreedyPlacement loose = greedy_placement(ordered, digital, 0.04, top1_of);
  EXPECT_EQ(loose.analog, (std::vector<std::string>{"a", "b", "d"}));
}

TEST(GreedyPlacement, NothingFitsLeavesTheNetworkDigital) {
  const std::vector<PlacementCandidate> ordered = {{"a", "conv", 0.1, 1}};
  const GreedyPlacement g = greedy_placement(ordered, 0.8, 0.0, [](const auto&) { return 0.7; });
  EXPECT_TRUE(g.analog.empty());
  EXPECT_EQ(g.top1, 0.8);
  ASSERT_EQ(g.steps.size(), 1u);
  EXPECT_FALSE(g.steps[0].kept);
}

}  // namespace
}  // namespace aimc::models
