// `aimc timing --hw alpine-*`: the per-layer report and its JSON, the
// digital-against-tiles comparison, the paper table, ONNX models, and
// refusal (exit 2 naming the file and key, or the layer) of bad input.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/cli_runner.h"
#include "support/shared_data.h"

namespace aimc::testing {
namespace {

TEST(CliAlpineTiming, CnnPipelineComparisonWithJson) {
  ScratchDir dir("alpine");
  const auto json = dir / "c.json";
  const CliResult r =
      run_aimc("timing --hw alpine-hp --spec cnn-m --mapping pipeline --compare --json '" +
                   json.string() + "'",
               dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("conv4"), std::string::npos);
  const auto j = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(j["metric"], "period");
  EXPECT_GT(j["speedup"].get<double>(), 1.0);
  EXPECT_EQ(j["tc"]["mapping"], "pipeline");
  EXPECT_EQ(j["digital"]["scenario"], "digital");
  EXPECT_EQ(j["hardware"]["system"], "alpine");
  EXPECT_EQ(j["tc"]["layers"].size(), j["digital"]["layers"].size());
}

TEST(CliAlpineTiming, PerLayerTableAndCsvOfTheLstm) {
  ScratchDir dir("alpinelstm");
  const auto csv = dir / "l.csv", json = dir / "l.json";
  const CliResult r = run_aimc(
      "timing --hw alpine-lp --spec alpine-lstm --inputs 28 --hidden 128 --steps 28 --csv '" +
          csv.string() + "' --json '" + json.string() + "'",
      dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(j["freq_mhz"], 800.0);
  // Per step ceil(156/4) queue, 1 process, 128 dequeue (4 gates per word).
  EXPECT_EQ(j["total"]["cm_queue"], 28 * 39);
  EXPECT_EQ(j["total"]["cm_process"], 28);
  EXPECT_EQ(j["total"]["cm_dequeue"], 28 * 128);
  EXPECT_EQ(slurp(csv).rfind("name,op,unit,stage", 0), 0u);
}

TEST(CliAlpineTiming, PaperTableNamesEachFigure) {
  ScratchDir dir("alpinepaper");
  const CliResult r = run_aimc("timing --hw alpine-hp --paper", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* id : {"C1 ", "C2 ", "C3 ", "C4 ", "C5 ", "C6 ", "C7 ", "C8 ", "C9 ", "C10 "})
    EXPECT_NE(r.out.find(id), std::string::npos) << id;
  EXPECT_NE(r.out.find("724.0 / 1676.2 / 2655.8 MMAC"), std::string::npos);
}

TEST(CliAlpineTiming, OnnxModelDigitalRunsAndTilesThatDoNotFitAreRefused) {
  ScratchDir dir("alpineonnx");
  const std::string model = qdq_model_path();
  CliResult r =
      run_aimc("timing --hw alpine-hp --model '" + model + "' --scenario digital", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("total: latency"), std::string::npos);
  // One tile per core: 8 cores cannot hold every layer's weights.
  r = run_aimc("timing --hw alpine-hp --model '" + model + "'", dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("does not fit"), std::string::npos) << r.err;
}

TEST(CliAlpineTiming, EvalCostsTheRunsOwnGraphOnAlpine) {
  ScratchDir dir("alpineeval");
  const auto json = dir / "e.json";
  const std::string model = std::string(source_dir_path()) + "/models/mnist/mlp-qdq.onnx";
  const std::string images = shared_path("data/mnist/t10k-images-idx3-ubyte.gz");
  const CliResult r = run_aimc("eval --model '" + model + "' --images '" + images +
                                   "' --limit 8 --mode analog --analog ideal --timing --hw "
                                   "alpine-lp --json '" +
                                   json.string() + "'",
                               dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("alpine   tiles (tc, single)"), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(j["timing"]["system"], "alpine");
  EXPECT_GT(j["timing"]["tc"]["speedup"].get<double>(), 1.0);
  EXPECT_GT(j["timing"]["digital"]["energy_uj"].get<double>(),
            j["timing"]["tc"]["energy_uj"].get<double>());
}

TEST(CliAlpineTiming, OnnxLstmIsCostedPerStep) {
  ScratchDir dir("alpinelstmonnx");
  const auto json = dir / "l.json";
  const std::string model = std::string(source_dir_path()) + "/models/mnist/lstm.onnx";
  const CliResult r = run_aimc(
      "timing --hw alpine-lp --model '" + model + "' --json '" + json.string() + "'", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(slurp(json));
  // 28 steps of [x_t; h] (28 + 128 rows): ceil(156/4) queue, 1 process, 128 dequeue each,
  // plus the classifier's one vector (128 rows, 10 columns).
  EXPECT_EQ(j["total"]["cm_process"], 28 + 1);
  EXPECT_EQ(j["total"]["cm_queue"], 28 * 39 + 32);
  EXPECT_EQ(j["total"]["cm_dequeue"], 28 * 128 + 3);
}

TEST(CliAlpineTiming, DynamicallyQuantizedLstmIsCostedLikeTheFloatOne) {
  ScratchDir dir("alpinelstmdq");
  const std::string base = std::string(source_dir_path()) + "/models/mnist/";
  const auto f = dir / "f.json", q = dir / "q.json";
  ASSERT_EQ(
      run_aimc("timing --hw alpine-lp --model '" + base + "lstm.onnx' --json '" + f.string() + "'",
               dir.path())
          .exit_code,
      0);
  const CliResult r = run_aimc(
      "timing --hw alpine-lp --model '" + base + "lstm-dq.onnx' --json '" + q.string() + "'",
      dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto jf = nlohmann::json::parse(slurp(f)), jq = nlohmann::json::parse(slurp(q));
  EXPECT_TRUE(jq["uncosted"].empty()) << jq["uncosted"];
  for (const char* k : {"cm_queue", "cm_process", "cm_dequeue"})
    EXPECT_EQ(jq["total"][k], jf["total"][k]) << k;
}

TEST(CliAlpineTiming, BadHardwareFilesAndOptionsExit2NamingTheKey) {
  ScratchDir dir("alpinebad");
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  };
  const std::string unknown = write("u.json", R"({"system": "alpine", "tiles": 2})");
  CliResult r = run_aimc("timing --hw '" + unknown + "'", dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("tiles"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("u.json"), std::string::npos) << r.err;
  const std::string range = write("r.json", R"({"system": "alpine", "mvm_ns": -1})");
  r = run_aimc("timing --hw '" + range + "'", dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("mvm_ns"), std::string::npos) << r.err;
  r = run_aimc("timing --hw alpine-hp --tile 256", dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("fc1"), std::string::npos) << r.err;
  r = run_aimc("timing --hw alpine-hp --mapping diagonal", dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--mapping"), std::string::npos) << r.err;
  r = run_aimc("timing --hw alpine-hp --scenario lc --mapping pipeline", dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
}

}  // namespace
}  // namespace aimc::testing
