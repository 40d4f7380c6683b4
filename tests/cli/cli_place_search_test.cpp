// `aimc place --max-drop P`: the placement search measures on the
// calibration split only; when every layer that saves energy fits it stops
// at once; otherwise every kept layer keeps the network within the drop and
// every refused one would not; the placement file it writes gives `eval
// --timing` the energy it reported; bad arguments exit 2 naming them.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/cli_runner.h"
#include "support/shared_data.h"

namespace aimc::testing {
namespace {

using nlohmann::json;

std::string quoted(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

json search(const ScratchDir& dir, const std::string& args, const std::string& name) {
  const CliResult r =
      run_aimc("place " + args + " --threads 2 --out " + quoted(dir / (name + ".placement.json")) +
                   " --json " + quoted(dir / (name + ".json")),
               dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? json::parse(slurp(dir / (name + ".json"))) : json();
}

TEST(CliPlaceSearch, ExactTilesFitAtOnceAndTheFileGivesEvalTheReportedEnergy) {
  ScratchDir dir("place-search");
  const json j = search(dir, "--analog ideal --max-drop 0 --limit 2", "ideal");
  ASSERT_FALSE(j.is_null());
  EXPECT_EQ(j["all_at_once"], true);
  EXPECT_EQ(j["search_images"], 2);
  EXPECT_EQ(j["calibration_split"]["every"], 8);
  const json& found = j["placements"]["found"];
  EXPECT_EQ(found["top1"], j["digital_top1"]);
  EXPECT_LT(found["energy_uj"].get<double>(),
            j["placements"]["all_digital"]["energy_uj"].get<double>());
  int analog = 0;
  for (const auto& l : j["layers"]) {
    EXPECT_TRUE(l["drop"].is_null()) << "no sensitivity is measured when all fit at once";
    analog += l["analog"].get<bool>();
    if (!l["analog"].get<bool>()) {
      EXPECT_LE(l["energy_saved_uj"].get<double>(), 0) << l["name"];
    }
  }
  EXPECT_EQ(found["analog_layers"], analog);

  // The file, given back, places the same layers and costs the same.
  const auto placement = json::parse(slurp(dir / "ideal.placement.json"));
  int on_tiles = 0;
  for (const auto& l : placement["layers"]) on_tiles += l["unit"] == "ima";
  EXPECT_EQ(on_tiles, analog);
  const CliResult r = run_aimc(
      "eval --mode analog --analog ideal --limit 1 --threads 2 --timing "
      "--placement " +
          quoted(dir / "ideal.placement.json") + " --json " + quoted(dir / "eval.json"),
      dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json e = json::parse(slurp(dir / "eval.json"));
  EXPECT_DOUBLE_EQ(e["timing"]["energy_uj"].get<double>(), found["energy_uj"].get<double>());
  EXPECT_DOUBLE_EQ(e["timing"]["latency_ms"].get<double>(), found["latency_ms"].get<double>());
}

TEST(CliPlaceSearch, KeptLayersStayWithinTheDropAndRefusedOnesWouldNot) {
  ScratchDir dir("place-search-greedy");
  // 2-bit weights on the stem conv and the classifier only: they do not both fit.
  std::ofstream(dir / "two-bit.json")
      << R"({"preset": "ideal", "weight_bits": 2, "placement": {"pointwise": false}})";
  const json j =
      search(dir, "--analog " + quoted(dir / "two-bit.json") + " --max-drop 0 --limit 4", "two");
  ASSERT_FALSE(j.is_null());
  EXPECT_EQ(j["all_at_once"], false);
  const double digital = j["digital_top1"].get<double>();
  EXPECT_LT(j["placements"]["every_saving_layer_analog"]["top1"].get<double>(), digital);
  ASSERT_EQ(j["layers"].size(), 2u);
  int kept = 0;
  double previous_ratio = -1;
  for (const auto& l : j["layers"]) {
    ASSERT_TRUE(l["drop"].is_number()) << l["name"];
    const double ratio =
        std::max(l["drop"].get<double>(), 0.0) / l["energy_saved_uj"].get<double>();
    EXPECT_GE(ratio, previous_ratio) << "greedy order";
    previous_ratio = ratio;
    const double top1 = l["top1_when_added"].get<double>();
    EXPECT_EQ(l["analog"].get<bool>(), top1 >= digital) << l["name"];
    kept += l["analog"].get<bool>();
  }
  EXPECT_EQ(j["placements"]["found"]["analog_layers"], kept);
  EXPECT_GE(j["placements"]["found"]["top1"].get<double>(), digital);
}

TEST(CliPlaceSearch, BadArgumentsExit2NamingThem) {
  ScratchDir dir("place-search-bad");
  const auto out = " --out " + quoted(dir / "p.json");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"place --max-drop -1" + out, "--max-drop"},
      {"place --max-drop nan" + out, "--max-drop"},
      {"place --max-drop 2", "--out"},
      {"place --max-drop 2 --placement " + quoted(dir / "x.json") + out, "--placement"},
      {"place --max-drop 2 --calibration " + shared_path("reference/crops_u8.bin") + out,
       "crops_u8.bin"},
  };
  for (const auto& [args, named] : cases) {
    const CliResult r = run_aimc(args, dir.path());
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_NE(r.err.find(named), std::string::npos) << args << ": " << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "p.json"));
}

}  // namespace
}  // namespace aimc::testing
