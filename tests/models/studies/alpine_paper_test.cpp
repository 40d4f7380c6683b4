// The ALPINE paper's figures against aimc's model with the shipped presets:
// the calibrated keys reproduce the MLP figures within their tolerances and
// are what the fit gives; the predictions hold or miss as documented in
// docs/ARCHITECTURE.md (ALPINE cost model), so that any change to the model
// that moves one shows here.
#include "models/studies/alpine_paper.h"

#include <gtest/gtest.h>

namespace aimc::models {
namespace {

const nlohmann::json& row(const nlohmann::json& rows, const std::string& id, int nth = 0) {
  for (const auto& r : rows)
    if (r["id"] == id && nth-- == 0) return r;
  throw std::logic_error("no row " + id);
}

class AlpinePaper : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { comparison_ = alpine_paper_comparison(alpine_points()).json; }
  static nlohmann::json comparison_;
};
nlohmann::json AlpinePaper::comparison_;

TEST_F(AlpinePaper, CalibratedMlpFiguresAreWithinTolerance) {
  const auto& rows = comparison_["rows"];
  EXPECT_NEAR(row(rows, "C1")["aimc"].get<double>(), 12.8, 12.8 * 0.15);
  EXPECT_NEAR(row(rows, "C2")["aimc"].get<double>(), 12.5, 12.5 * 0.15);
  EXPECT_NEAR(row(rows, "C3")["aimc"].get<double>(), 4.1, 4.1 * 0.20);
}

TEST_F(AlpinePaper, ThePresetsHoldWhatTheFitGives) {
  const AlpinePoints p = alpine_points();
  const Calibration c = calibrate_alpine(p);
  EXPECT_NEAR(c.mac_per_cycle, p.hp.sw_int8_mac_per_cycle, 1e-3);
  EXPECT_NEAR(c.lc_driver_overhead_us, p.hp.lc_driver_overhead_us, 1e-3);
  // Both operating points share the fitted keys.
  EXPECT_EQ(p.lp.sw_int8_mac_per_cycle, p.hp.sw_int8_mac_per_cycle);
  EXPECT_EQ(p.lp.lc_driver_overhead_us, p.hp.lc_driver_overhead_us);
}

TEST_F(AlpinePaper, PredictionsThatHold) {
  const auto& rows = comparison_["rows"];
  const double tc_over_lc = row(rows, "C3", 1)["aimc"];
  EXPECT_NEAR(tc_over_lc, 3.1, 3.1 * 0.20);
  EXPECT_NEAR(row(rows, "C7")["aimc"].get<double>(), 20.5, 20.5 * 0.25);
  EXPECT_NEAR(row(rows, "C8")["aimc"].get<double>(), 20.8, 20.8 * 0.25);
  for (int i : {0, 1}) {  // MLP and LSTM
    const double ratio = row(rows, "C9", i)["aimc"];
    EXPECT_GE(ratio, 0.90) << row(rows, "C9", i)["figure"];
    EXPECT_LE(ratio, 1.10) << row(rows, "C9", i)["figure"];
  }
  EXPECT_TRUE(comparison_["order_holds"].get<bool>());
}

// Missed predictions, reported as missed with their reasons in
// docs/ARCHITECTURE.md (ALPINE cost model): the LSTM step is dominated by
// its software sigmoids and tanhs, a 10x longer MVM weighs on 256-wide
// layers whose software work is small, and the CNN's tiles sized to each
// layer spend more energy per MVM than the cores save.
TEST_F(AlpinePaper, PredictionsThatMissAreReportedAsMissed) {
  const auto& rows = comparison_["rows"];
  EXPECT_LT(row(rows, "C5")["aimc"].get<double>(), 9.4 * 0.75);
  EXPECT_FALSE(row(rows, "C5")["within"].get<bool>());
  EXPECT_FALSE(row(rows, "C6")["within"].get<bool>());
  EXPECT_GT(row(rows, "C4")["aimc"].get<double>(), 0.15);
  EXPECT_FALSE(row(rows, "C4")["within"].get<bool>());
  EXPECT_LT(row(rows, "C9", 2)["aimc"].get<double>(), 0.90);
}

TEST_F(AlpinePaper, TheGridNamesTheCommandBehindEachBestFigure) {
  EXPECT_EQ(comparison_["best"]["mlp"],
            "aimc timing --hw alpine-lp --spec alpine-mlp --width 256 --layers 2 --tile 256 "
            "--mapping single --compare");
  EXPECT_NE(comparison_["best"]["cnn"].get<std::string>().find("--mapping pipeline"),
            std::string::npos);
}

}  // namespace
}  // namespace aimc::models
