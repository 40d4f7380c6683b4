// `aimc place` and `--placement`: the pass's placement as JSON, edited and
// given back to eval and timing; one layer moved changes only its own row of
// the timing table; every C_job and the layer name lists reach both the
// timing of a model and the timing of an eval run; bad files exit 2.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "support/cli_runner.h"
#include "support/shared_data.h"

namespace aimc::testing {
namespace {

using nlohmann::json;

std::string in_quotes(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

json run_json(const std::string& args, const ScratchDir& dir, const std::string& name) {
  const auto out = dir / name;
  const CliResult r = run_aimc(args + " --json " + in_quotes(out), dir.path());
  EXPECT_EQ(r.exit_code, 0) << args << ": " << r.err;
  return r.exit_code == 0 ? json::parse(slurp(out)) : json();
}

const json* layer(const json& layers, const std::string& name) {
  for (const auto& l : layers)
    if (l["name"] == name || (l.contains("layer") && l["layer"] == name)) return &l;
  return nullptr;
}

// Rows of two timing tables that differ, by layer name. The arrays a layer's
// tiles share are left out: Tile&Pack packs all layers' tiles together, so
// they move when any layer leaves the arrays.
std::vector<std::string> differing_rows(const json& a, const json& b) {
  std::vector<std::string> out;
  EXPECT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    json x = a[i], y = b[i];
    x.erase("arrays");
    y.erase("arrays");
    if (x != y) out.push_back(a[i]["name"].get<std::string>());
  }
  return out;
}

const std::string kModel = " --model " + in_quotes(qdq_model_path());

TEST(CliPlacement, PlaceEditAndGiveBackMovesOnlyThatLayer) {
  ScratchDir dir("place");
  const CliResult r =
      run_aimc("place --mode analog" + kModel + " --out " + in_quotes(dir / "p.json"), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json p = json::parse(slurp(dir / "p.json"));
  ASSERT_GT(p["layers"].size(), 60u);
  const json* conv1 = layer(p["layers"], "Conv_1");
  ASSERT_NE(conv1, nullptr);
  EXPECT_EQ(*conv1, json({{"layer", "Conv_1"},
                          {"op", "QConv"},
                          {"unit", "ima"},
                          {"arrays", 10},
                          {"tile_grid", {2, 5}},
                          {"cjob", 0}}));
  EXPECT_EQ((*layer(p["layers"], "block_16_depthwise"))["unit"], "dw-accel");
  EXPECT_EQ((*layer(p["layers"], "block_15_add"))["unit"], "cores");
  // Given back unedited, the placement is the same.
  ASSERT_EQ(run_aimc("place --mode analog" + kModel + " --placement " + in_quotes(dir / "p.json") +
                         " --out " + in_quotes(dir / "same.json"),
                     dir.path())
                .exit_code,
            0);
  EXPECT_EQ(json::parse(slurp(dir / "same.json")), p);
  // One layer moved to the cores, by the file and by digital_layers.
  for (auto& l : p["layers"])
    if (l["layer"] == "block_16_project") l["unit"] = "cores";
  write_bytes(dir / "edited.json", p.dump());
  write_bytes(dir / "digital.json", R"({"preset": "ideal",
      "placement": {"digital_layers": ["block_16_project"]}})");
  const std::string timing = "timing --mode analog" + kModel;
  const json before = run_json(timing, dir, "t0.json");
  const json by_file =
      run_json(timing + " --placement " + in_quotes(dir / "edited.json"), dir, "t1.json");
  const json by_name =
      run_json(timing + " --analog " + in_quotes(dir / "digital.json"), dir, "t2.json");
  EXPECT_EQ(differing_rows(before["layers"], by_file["layers"]),
            std::vector<std::string>{"block_16_project"});
  EXPECT_EQ((*layer(by_file["layers"], "block_16_project"))["unit"], "cores");
  EXPECT_EQ(by_file["layers"], by_name["layers"]);
  // An eval run with the file costs the same placement.
  const json e = run_json(
      "eval --limit 1 --mode analog --timing --placement " + in_quotes(dir / "edited.json"), dir,
      "e.json");
  EXPECT_EQ(e["timing"]["latency_ms"], by_file["total"]["latency_ms"]);
  EXPECT_EQ((*layer(e["timing"]["layers"], "block_16_project"))["unit"], "cores");
}

TEST(CliPlacement, BadPlacementFilesExit2NamingLayerUnitAndFile) {
  ScratchDir dir("placebad");
  struct Case {
    std::string body;
    std::vector<std::string> named;
  };
  const Case cases[] = {
      {R"({"layers": [{"layer": "no_such_layer", "unit": "cores"}]})", {"no_such_layer", "cores"}},
      {R"({"layers": [{"layer": "block_15_add", "unit": "ima"}]})", {"block_15_add", "'ima'"}},
      {R"({"layers": [{"layer": "global_average_pooling2d", "unit": "ima"}]})",
       {"global_average_pooling2d", "'ima'"}},
      {R"({"layers": [{"layer": "Conv_1", "unit": "dw-accel"}]})", {"Conv_1", "dw-accel"}},
      {R"({"layers": [{"layer": "Conv_1", "unit": "ima-cjob"}]})", {"Conv_1", "ima-cjob"}},
      {R"({"layers": [{"layer": "Conv_1", "unit": "gpu"}]})", {"Conv_1", "gpu"}},
      {R"({"layers": [{"layer": "Conv_1", "unit": "ima", "colour": 1}]})", {"Conv_1", "colour"}},
      {R"({"layers": [], "extra": 1})", {"extra"}},
      {R"({"layers": [{"layer": "Conv_1", "unit": )", {"JSON"}},
  };
  for (const Case& c : cases) {
    write_bytes(dir / "bad.json", c.body);
    for (const std::string& cmd :
         {std::string("eval --limit 1 --mode analog"), "timing --mode analog" + kModel,
          "place --mode analog --out " + in_quotes(dir / "o.json")}) {
      const CliResult r = run_aimc(cmd + " --placement " + in_quotes(dir / "bad.json"), dir.path());
      EXPECT_EQ(r.exit_code, 2) << cmd << " " << c.body << ": " << r.err;
      EXPECT_NE(r.err.find("bad.json"), std::string::npos) << r.err;
      for (const auto& word : c.named) EXPECT_NE(r.err.find(word), std::string::npos) << r.err;
    }
  }
  // A crossbar unit outside analog mode.
  write_bytes(dir / "bad.json", R"({"layers": [{"layer": "Conv_1", "unit": "ima"}]})");
  const CliResult r =
      run_aimc("eval --limit 1 --placement " + in_quotes(dir / "bad.json"), dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("Conv_1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("analog"), std::string::npos) << r.err;
}

TEST(CliPlacement, EveryCjobAndTheNameListsReachTimingAndEvalTiming) {
  ScratchDir dir("placecjob");
  for (int cjob : {0, 4, 8, 16, 32}) {
    const auto cfg = dir / ("cjob" + std::to_string(cjob) + ".json");
    write_bytes(cfg, R"({"preset": "ideal", "placement": {"depthwise_cjob": )" +
                         std::to_string(cjob) + "}}");
    const json t =
        run_json("timing --mode analog" + kModel + " --analog " + in_quotes(cfg), dir, "t.json");
    const json e =
        run_json("eval --limit 2 --mode analog --timing --analog " + in_quotes(cfg), dir, "e.json");
    const json& dw = *layer(t["layers"], "expanded_conv_depthwise");  // 32 channels, 112x112
    const json& edw = *layer(e["timing"]["layers"], "expanded_conv_depthwise");
    EXPECT_EQ(dw["unit"], cjob ? "ima-cjob" : "dw-accel") << cjob;
    EXPECT_EQ(edw["unit"], dw["unit"]) << cjob;
    EXPECT_EQ(edw["cjob"], cjob) << cjob;
    // Jobs: one per pixel and block tile (C_job 32: 288 rows, two tiles).
    const int blocks = cjob == 0 ? 0 : cjob == 32 ? 2 : 32 / cjob;
    EXPECT_EQ(dw["jobs"], blocks * 112 * 112) << cjob;
    EXPECT_EQ(e["timing"]["system"], cjob ? "single-ima" : "multi-array") << cjob;
    EXPECT_EQ(e["timing"]["latency_ms"], t["total"]["latency_ms"]) << cjob;
    EXPECT_EQ(e["timing"]["energy_uj"], t["total"]["energy_uj"]) << cjob;
  }
  // With the classifier kept digital, as the paper's mapping has it, an
  // analog run costs what the recorded scenarios cost (multi-array, cjob 8/16).
  const std::map<int, double> recorded_ms = {
      {0, 8.75015729032258}, {8, 91.64404529032258}, {16, 54.23940529032258}};
  for (const auto& [cjob, ms] : recorded_ms) {
    const auto cfg = dir / "nogemm.json";
    write_bytes(cfg, R"({"preset": "ideal", "placement": {"gemm": false, "depthwise_cjob": )" +
                         std::to_string(cjob) + "}}");
    const json e =
        run_json("eval --limit 1 --mode analog --timing --analog " + in_quotes(cfg), dir, "e.json");
    EXPECT_EQ(e["timing"]["latency_ms"].get<double>(), ms) << cjob;
  }
  // Layer names: one conv kept digital, one depthwise forced onto the crossbar.
  write_bytes(dir / "names.json", R"({"preset": "ideal", "placement": {
      "digital_layers": ["Conv_1"], "analog_layers": ["block_16_depthwise"]}})");
  const std::string names = " --mode analog --analog " + in_quotes(dir / "names.json");
  const json t = run_json("timing" + kModel + names, dir, "t.json");
  const json e = run_json("eval --limit 1 --timing" + names, dir, "e.json");
  for (const json* layers : {&t["layers"], &e["timing"]["layers"]}) {
    EXPECT_EQ((*layer(*layers, "Conv_1"))["unit"], "cores");
    EXPECT_EQ((*layer(*layers, "block_16_depthwise"))["unit"], "ima-cjob");
    EXPECT_EQ((*layer(*layers, "block_15_depthwise"))["unit"], "dw-accel");
  }
  EXPECT_EQ(e["timing"]["latency_ms"], t["total"]["latency_ms"]);
}

}  // namespace
}  // namespace aimc::testing
