// The timing study behind `aimc timing`: placing a network by scenario or by
// mode, and the report as a table, JSON and CSV.
#include "models/studies/timing_report.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "engine/error.h"

namespace aimc::models {
namespace {

int lines_of(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(TimingReport, TableJsonAndCsvHaveOneRowPerLayer) {
  const timing::Hardware hw;
  TimingRequest request;
  request.spec = "bottleneck";
  request.scenario = "ima+dw";
  const PlacedNetwork net = placed_network(request, hw);
  ASSERT_EQ(net.layers.size(), 4u);  // expansion, depthwise, projection, residual add
  EXPECT_EQ(net.label, "ima+dw");
  const timing::TimingReport r = timing::estimate(net.layers, hw, net.system);
  const std::string table = timing_table(r, net.label);
  EXPECT_EQ(table.rfind("scenario ima+dw at 500 MHz\n", 0), 0u);
  EXPECT_EQ(lines_of(table), 2 + 4 + 1);                 // title, header, layers, total
  EXPECT_NE(table.find("dw-accel"), std::string::npos);  // depthwise on the accelerator
  EXPECT_EQ(lines_of(timing_csv(r)), 1 + 4);
  const nlohmann::json j = timing_json(r, net.label);
  EXPECT_EQ(j["layers"].size(), 4u);
  EXPECT_EQ(j["scenario"], "ima+dw");
  EXPECT_DOUBLE_EQ(j["total"]["latency_ms"].get<double>(), r.latency_ms);
}

TEST(TimingReport, ModePlacementPutsEveryLayerOnTheCoresInDigitalMode) {
  TimingRequest request;
  request.spec = "bottleneck";
  request.mode = "digital";
  const PlacedNetwork net = placed_network(request, timing::Hardware{});
  EXPECT_EQ(net.label, "digital placement");
  for (const auto& l : net.layers) EXPECT_EQ(l.placement.unit, Unit::kCores) << l.name;
}

TEST(TimingReport, RefusesAModeWithAScenarioAndUnknownNames) {
  TimingRequest both;
  both.scenario = "cores";
  both.mode = "digital";
  EXPECT_THROW(placed_network(both, timing::Hardware{}), BadInput);
  TimingRequest unknown;
  unknown.scenario = "warp-drive";
  EXPECT_THROW(placed_network(unknown, timing::Hardware{}), BadInput);
  TimingRequest no_spec;
  no_spec.spec = "resnet-9000";
  EXPECT_THROW(placed_network(no_spec, timing::Hardware{}), BadInput);
}

TEST(TimingReport, BottleneckComparisonCoversEverySingleImaScenario) {
  const BottleneckComparison b = bottleneck_comparison(timing::Hardware{});
  EXPECT_EQ(b.json.size(), 5u);  // cores, ima-cjob8, ima-cjob16, hybrid, ima+dw
  EXPECT_DOUBLE_EQ(b.json["cores"]["speedup_vs_cores"].get<double>(), 1.0);
  EXPECT_EQ(lines_of(b.table), 2 + 5);
}

}  // namespace
}  // namespace aimc::models
