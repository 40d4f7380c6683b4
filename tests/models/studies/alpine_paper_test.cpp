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
  EXPECT_NEAR(c.pack_cycles_per_byte, p.hp.sw_pack_cycles_per_byte, 1e-3);
  EXPECT_NEAR(c.pack_cycles_per_byte, p.hp.sw_unpack_cycles_per_byte, 1e-3);
  EXPECT_NEAR(c.lc_driver_overhead_us, p.hp.lc_driver_overhead_us, 1e-3);
  // Both operating points share the fitted keys.
  EXPECT_EQ(p.lp.sw_pack_cycles_per_byte, p.hp.sw_pack_cycles_per_byte);
  EXPECT_EQ(p.lp.lc_driver_overhead_us, p.hp.lc_driver_overhead_us);
}

TEST_F(AlpinePaper, PredictionsThatHold) {
  const auto& rows = comparison_["rows"];
  const double tc_over_lc = row(rows, "C3", 1)["aimc"];
  EXPECT_NEAR(tc_over_lc, 3.1, 3.1 * 0.20);
  EXPECT_LE(row(rows, "C4")["aimc"].get<double>(), 0.15);  // a 10x MVM costs little
  EXPECT_NEAR(row(rows, "C6")["aimc"].get<double>(), 9.3, 9.3 * 0.25);
  for (int i = 0; i < 3; ++i) {
    const double ratio = row(rows, "C9", i)["aimc"];
    EXPECT_GE(ratio, 0.90) << row(rows, "C9", i)["figure"];
    EXPECT_LE(ratio, 1.10) << row(rows, "C9", i)["figure"];
  }
}

// Missed predictions, reported as missed (docs/ARCHITECTURE.md says why):
// the packing rate fitted to the MLP is paid on every im2col byte, so the
// CNN stages cannot reach 20x, and the LSTM lands above its band.
TEST_F(AlpinePaper, PredictionsThatMissAreReportedAsMissed) {
  const auto& rows = comparison_["rows"];
  EXPECT_GT(row(rows, "C5")["aimc"].get<double>(), 9.4 * 1.25);
  EXPECT_FALSE(row(rows, "C5")["within"].get<bool>());
  EXPECT_LT(row(rows, "C7")["aimc"].get<double>(), 20.5 * 0.75);
  EXPECT_FALSE(row(rows, "C7")["within"].get<bool>());
  EXPECT_FALSE(row(rows, "C8")["within"].get<bool>());
  EXPECT_FALSE(comparison_["order_holds"].get<bool>());
}

TEST_F(AlpinePaper, TheGridNamesTheCommandBehindEachBestFigure) {
  EXPECT_EQ(comparison_["best"]["mlp"],
            "aimc timing --hw alpine-lp --spec alpine-mlp --width 1024 --layers 2 --tile 1024 "
            "--mapping single --compare");
  EXPECT_NE(comparison_["best"]["cnn"].get<std::string>().find("--mapping pipeline"),
            std::string::npos);
}

}  // namespace
}  // namespace aimc::models
