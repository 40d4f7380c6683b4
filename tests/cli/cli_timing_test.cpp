// `aimc timing`: the per-layer report (its JSON fields), CSV, the
// Bottleneck table, and refusal of bad hardware descriptions.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/cli_runner.h"
#include "support/shared_data.h"

namespace aimc::testing {
namespace {

TEST(CliTiming, MultiArrayReportHasTheDocumentedFields) {
  ScratchDir dir("timing");
  const auto json = dir / "t.json", csv = dir / "t.csv";
  const CliResult r = run_aimc("timing --spec mobilenetv2-paper --scenario multi-array --json '" +
                                   json.string() + "' --csv '" + csv.string() + "'",
                               dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(j["scenario"], "multi-array");
  EXPECT_EQ(j["freq_mhz"], 500.0);
  for (const char* k :
       {"latency_ms", "energy_uj", "inferences_per_second", "arrays", "mapped_params", "mmac"})
    EXPECT_TRUE(j["total"].contains(k)) << k;
  EXPECT_EQ(j["total"]["mapped_params"], 2190784);
  ASSERT_GT(j["layers"].size(), 60u);
  for (const char* k : {"name", "op", "unit", "macs", "params", "arrays", "jobs", "cycles",
                        "latency_us", "energy_uj"})
    EXPECT_TRUE(j["layers"][0].contains(k)) << k;
  const std::string table = slurp(csv);
  EXPECT_EQ(table.rfind("name,op,unit,macs", 0), 0u);
  EXPECT_NE(table.find("block16_project,pointwise,ima"), std::string::npos);
}

TEST(CliTiming, BottleneckTableOverAllScenarios) {
  ScratchDir dir("timingbn");
  const auto json = dir / "b.json";
  const CliResult r = run_aimc("timing --bottleneck --json '" + json.string() + "'", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(slurp(json));
  for (const char* s : {"cores", "ima-cjob8", "ima-cjob16", "hybrid", "ima+dw"}) {
    ASSERT_TRUE(j["bottleneck"].contains(s)) << s;
    for (const char* k : {"cycles", "energy_uj", "speedup_vs_cores", "energy_efficiency_vs_cores"})
      EXPECT_TRUE(j["bottleneck"][s].contains(k)) << s << " " << k;
  }
  EXPECT_EQ(j["bottleneck"]["cores"]["speedup_vs_cores"], 1.0);
  EXPECT_GT(j["bottleneck"]["ima+dw"]["speedup_vs_cores"].get<double>(), 9.0);
}

TEST(CliTiming, ModelReportAndTimingOfAnEvalRun) {
  ScratchDir dir("timingmodel");
  const auto json = dir / "m.json";
  CliResult r = run_aimc("timing --model '" + shared_path("models/mobilenetv2_int8_qdq.onnx") +
                             "' --scenario multi-array --json '" + json.string() + "'",
                         dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(j["total"]["mapped_params"], 2190784 - 32 * 32);  // Keras: no 32→32 expansion
  r = run_aimc(
      "eval --limit 2 --mode analog --analog ideal --timing --json '" + json.string() + "'",
      dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("cluster  multi-array"), std::string::npos) << r.out;
  j = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(j["timing"]["system"], "multi-array");
  // The Keras model as placed for the run: its classifier on the arrays too
  // (8.75 ms with it on the cores, as the multi-array scenario maps it).
  EXPECT_NEAR(j["timing"]["latency_ms"].get<double>(), 8.588, 0.01);
  EXPECT_GT(j["timing"]["latency_ms"].get<double>(), 0);
  r = run_aimc("eval --limit 1 --timing --json '" + json.string() + "'", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(slurp(json))["timing"]["system"], "cores");
}

TEST(CliTiming, BadHardwareFilesAndOptionsAreRefusedNamingTheKey) {
  ScratchDir dir("timingbad");
  struct Case {
    std::string json, key;
  };
  for (const Case& c :
       {Case{R"({"freq_mhz": -1})", "freq_mhz"}, Case{R"({"mvm_ns": null})", "mvm_ns"},
        Case{R"({"bus_bits": "wide"})", "bus_bits"}, Case{R"({"frequency": 500})", "frequency"},
        Case{R"({"pipelined": "yes"})", "pipelined"}}) {
    write_bytes(dir / "hw.json", c.json);
    const auto out = dir / "o.json";
    const CliResult r = run_aimc("timing --spec mobilenetv2 --hw '" + (dir / "hw.json").string() +
                                     "' --json '" + out.string() + "'",
                                 dir.path());
    EXPECT_EQ(r.exit_code, 2) << c.json;
    EXPECT_NE(r.err.find(c.key), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("hw.json"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
  CliResult r = run_aimc("timing --hw no-such.json", dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no-such.json"), std::string::npos) << r.err;
  r = run_aimc("timing --scenario warp-drive", dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--scenario"), std::string::npos) << r.err;
  r = run_aimc("timing --spec resnet50", dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--spec"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace aimc::testing
