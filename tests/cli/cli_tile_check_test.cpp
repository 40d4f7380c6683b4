// `aimc tile-check`: the MVM error statistics of one random layer against
// the exact integer result, per drift time and compensation.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/cli_runner.h"

namespace aimc::testing {
namespace {

TEST(CliTileCheck, IdealTilesAreExactAndPcmDriftIsCompensated) {
  ScratchDir dir("tilecheck");
  const auto out = dir / "t.json";
  CliResult r =
      run_aimc("tile-check --analog ideal --times 0,86400 --inputs 8 --json '" + out.string() + "'",
               dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(slurp(out));
  ASSERT_EQ(j["results"].size(), 6u);  // 2 times × 3 compensation modes
  for (const auto& row : j["results"]) {
    EXPECT_LT(row["max_abs_error"].get<double>(), 0.5) << row.dump();  // exact after rounding
    EXPECT_NEAR(row["correlation"].get<double>(), 1.0, 1e-12);
  }
  r = run_aimc("tile-check --times 86400 --json '" + out.string() + "'", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("mean rel. err"), std::string::npos) << r.out;
  j = nlohmann::json::parse(slurp(out));
  EXPECT_EQ(j["config"]["device"], "pcm");  // the default: PCM with ideal converters
  for (const auto& row : j["results"]) {
    const double e = row["mean_relative_error"].get<double>();
    if (row["compensation"] == "none") {
      EXPECT_LT(e, -0.25);  // a day of drift: about a third of the conductance
      EXPECT_GT(e, -0.45);
    } else {
      EXPECT_NEAR(e, 0.0, 0.03) << row["compensation"];
    }
  }
}

TEST(CliTileCheck, EveryDeviceModelRuns) {
  ScratchDir dir("tilecheckdevices");
  const auto out = dir / "t.json";
  for (const char* device :
       {"device=rram", "device=gaussian --set prog_sigma=0.5", "p_stuck_gmax=0.01"}) {
    const CliResult r = run_aimc(std::string("tile-check --analog ideal --times 0 --set ") +
                                     device + " --json '" + out.string() + "'",
                                 dir.path());
    ASSERT_EQ(r.exit_code, 0) << device << ": " << r.err;
    const auto j = nlohmann::json::parse(slurp(out));
    const double rms = j["results"][0]["rms_relative_error"].get<double>();
    EXPECT_GT(rms, 1e-3) << device;  // noisy devices: not exact
    EXPECT_LT(rms, 1.0) << device;
  }
}

TEST(CliTileCheck, BadArgumentsAreRefused) {
  ScratchDir dir("tilecheckbad");
  CliResult r = run_aimc("tile-check --times 1,-5", dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--times"), std::string::npos) << r.err;
  r = run_aimc("tile-check --set tile_rows=0", dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("tile_rows"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace aimc::testing
