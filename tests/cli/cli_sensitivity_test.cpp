// `aimc sensitivity`: one analog layer at a time. With ideal tiles no layer
// costs anything (the exactness property); the JSON is sorted by drop and
// each drop is the digital top-1 minus the layer's; the bar plot draws it;
// the preprocessing and the calibration split are reported and recorded.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/cli_runner.h"
#include "support/shared_data.h"

namespace aimc::testing {
namespace {

TEST(CliSensitivity, IdealTilesCostNothingAndNoisyOnesAreSortedByDrop) {
  ScratchDir dir("sens");
  const auto out = dir / "s.json";
  // Under any preprocessing; this one is reported and recorded.
  const std::string torch =
      "sensitivity --analog ideal --limit 2 --threads 2 --preprocess torchvision";
  CliResult r = run_aimc(torch + " --json '" + out.string() + "'", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("sensitivity: preprocessing torchvision (--preprocess)"), std::string::npos)
      << r.err;
  // The shared images without their calibration split, said and recorded.
  EXPECT_NE(r.err.find("2 images (every 8th image of"), std::string::npos) << r.err;
  auto j = nlohmann::json::parse(slurp(out));
  EXPECT_EQ(j["images"], 2);
  EXPECT_EQ(j["calibration_split"]["images"], 100);
  EXPECT_EQ(j["calibration_split"]["excluded_from_evaluation"], true);
  EXPECT_EQ(j["preprocess"]["name"], "torchvision");
  EXPECT_EQ(j["preprocess"]["scale"], 255.0);
  EXPECT_EQ(j["layers"].size(), 36u);  // 35 convs of group 1 + the classifier
  for (const auto& l : j["layers"]) EXPECT_EQ(l["drop"].get<double>(), 0.0) << l["name"];

  // 3 images under the sanitizers (4 layers still drop there), else 8.
  r = run_aimc("sensitivity --analog ideal --set weight_bits=3 --limit " +
                   std::string(kSanitized ? "3" : "8") + " --threads 2 --json '" + out.string() +
                   "'",
               dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(slurp(out));
  const double base = j["digital_top1"].get<double>();
  double previous = 1e9, largest = 0;
  for (const auto& l : j["layers"]) {
    const double drop = l["drop"].get<double>();
    EXPECT_NEAR(drop, base - l["top1"].get<double>(), 1e-12);
    EXPECT_LE(drop, previous);  // sorted, most sensitive first
    previous = drop;
    largest = std::max(largest, drop);
  }
  EXPECT_GT(largest, 0.0) << "3-bit weights on some layer should cost accuracy";

  const std::string script =
      std::string(testing::source_dir_path()) + "/demos/plots/plot_sensitivity.py";
  const std::string cmd = "/usr/bin/python3 '" + script + "' '" + out.string() +
                          "' --top 5 --out '" + (dir / "b.png").string() + "' --data-out '" +
                          (dir / "b.json").string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(slurp(dir / "b.png").substr(1, 3), "PNG");
  const auto drawn = nlohmann::json::parse(slurp(dir / "b.json"));
  ASSERT_EQ(drawn["names"].size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(drawn["names"][i], j["layers"][i]["name"]);
    EXPECT_NEAR(drawn["drops"][i].get<double>(), 100 * j["layers"][i]["drop"].get<double>(), 1e-9);
  }
}

}  // namespace
}  // namespace aimc::testing
