// The bench measurement on a one-node model: run counts, the nearest-rank
// latency quantiles and the profile's tables.
#include "models/studies/bench.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/onnx_builder.h"

namespace fs = std::filesystem;

namespace aimc::models {
namespace {
// A float model runs in float mode: digital mode refuses float nodes.
ModelOptions float_mode() {
  ModelOptions o;
  o.mode = ExecMode::kFloat;
  return o;
}
}  // namespace
namespace {

Model relu_model() {  // X[1,4] -> Relu -> Y[1,4]
  const fs::path path = fs::temp_directory_path() /
                        ("aimc-bench-" + std::to_string(::getpid()) + "-" +
                         ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".onnx");
  std::string proto;
  testing::single_node_model("Relu").SerializeToString(&proto);
  std::ofstream(path, std::ios::binary) << proto;
  Model m = Model::load(path.string(), float_mode());
  fs::remove(path);
  return m;
}

std::vector<Tensor> input() {
  Tensor x(DType::kFloat32, Shape{1, 4});
  for (int i = 0; i < 4; ++i) x.data<float>()[i] = float(i) - 2;
  return {x};
}

TEST(BenchModel, TimesEveryIterationAndAlternatesWithDigital) {
  const Model m = relu_model(), d = relu_model();
  const BenchTimes alone = bench_model(m, nullptr, input(), 2, 1, 5);
  EXPECT_EQ(alone.ms.size(), 5u);
  EXPECT_TRUE(std::is_sorted(alone.ms.begin(), alone.ms.end()));
  EXPECT_GT(alone.images_per_second, 0);
  EXPECT_EQ(alone.digital_images_per_second, 0);
  const BenchTimes both = bench_model(m, &d, input(), 1, 1, 3);
  EXPECT_GT(both.digital_images_per_second, 0);
}

TEST(BenchTimes, LatencyIsTheNearestRank) {
  BenchTimes t;
  t.ms = {1, 2, 3, 4, 5};
  EXPECT_EQ(t.latency_ms(0.5), 3);
  EXPECT_EQ(t.latency_ms(0.9), 5);  // 0.9 · 4 + 0.5 = 4.1 -> index 4
  EXPECT_EQ(t.latency_ms(0.0), 1);
  t.ms = {7};
  EXPECT_EQ(t.latency_ms(0.9), 7);
}

TEST(ProfileReport, TablesPerOpTypeAndLayer) {
  const std::string r = profile_report(relu_model(), input(), 1, 2);
  EXPECT_EQ(r.rfind("profile: ", 0), 0u) << r;
  EXPECT_NE(r.find("op type"), std::string::npos);
  EXPECT_NE(r.find("slowest layers"), std::string::npos);
  EXPECT_NE(r.find("Relu"), std::string::npos);
  EXPECT_GT(peak_rss_mb(), 0);
}

}  // namespace
}  // namespace aimc::models
