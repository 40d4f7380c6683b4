// The plotting scripts (demos/plots) on a small sweep: the PNG exists and is
// a PNG, and the series the script drew are the sweep's numbers.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/cli_runner.h"

namespace aimc::testing {
namespace {

TEST(CliPlots, SweepPlotShowsTheSweepsNumbers) {
  ScratchDir dir("plots");
  write_bytes(
      dir / "grid.json",
      R"({"analog": "ideal", "grid": {"adc_bits": [4, 6, 8], "dac_bits": [4, 8]}, "seeds": 1})");
  CliResult r = run_aimc("sweep --grid '" + (dir / "grid.json").string() + "' --out '" +
                             (dir / "s.jsonl").string() + "' --limit 4 --threads 2",
                         dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string script = std::string(testing::source_dir_path()) + "/demos/plots/plot_sweep.py";
  const std::string cmd = "/usr/bin/python3 '" + script + "' '" + (dir / "s.csv").string() +
                          "' --x adc_bits --series dac_bits --out '" + (dir / "p.png").string() +
                          "' --data-out '" + (dir / "p.json").string() + "' 2> '" +
                          (dir / "err").string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << slurp(dir / "err");
  const std::string png = slurp(dir / "p.png");
  ASSERT_GT(png.size(), 1000u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  const auto plotted = nlohmann::json::parse(slurp(dir / "p.json"));
  EXPECT_EQ(plotted["xlabel"], "ADC bits");
  EXPECT_EQ(plotted["ylabel"], "top-1 accuracy [%]");
  // The CSV's (dac_bits, adc_bits) -> top-1 mean, against what was drawn.
  std::map<std::pair<std::string, double>, double> want;
  std::istringstream csv(slurp(dir / "s.csv"));
  std::string line;
  std::getline(csv, line);  // adc_bits,dac_bits,seeds,images,top1_mean,...
  while (std::getline(csv, line)) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
    want[{f[1], std::stod(f[0])}] = 100 * std::stod(f[4]);
  }
  ASSERT_EQ(want.size(), 6u);
  ASSERT_EQ(plotted["series"].size(), 2u);  // one line per DAC setting
  int points = 0;
  for (const auto& s : plotted["series"]) {
    const std::string dac = s["label"].get<std::string>().substr(std::string("dac_bits = ").size());
    ASSERT_EQ(s["x"].size(), 3u);
    for (std::size_t i = 0; i < s["x"].size(); ++i) {
      const double x = s["x"][i].get<double>();
      ASSERT_TRUE(want.count({dac, x})) << dac << " " << x;
      EXPECT_NEAR(s["y"][i].get<double>(), want.at({dac, x}), 1e-9);
      ++points;
      if (i > 0) {
        EXPECT_GT(x, s["x"][i - 1].get<double>());  // drawn in x order
      }
    }
  }
  EXPECT_EQ(points, 6);
  // A missing column is an error, not an empty plot.
  const std::string bad = "/usr/bin/python3 '" + script + "' '" + (dir / "s.csv").string() +
                          "' --x t_inf --out '" + (dir / "q.png").string() + "' 2>/dev/null";
  EXPECT_NE(std::system(bad.c_str()), 0);
}

}  // namespace
}  // namespace aimc::testing
