// `aimc timing` prints the numbers it printed before placement became a pass
// (recorded on the code where the timing model decided units from the
// scenario): every spec × scenario, the ONNX model under every scenario and
// by default, and the Bottleneck table. Units print by their placement
// names now (a C_job layer as ima-cjob, a CHW depthwise as cores-chw), so
// the recorded text is compared with those two names mapped back and runs
// of spaces collapsed; the totals are compared at full precision. Layers
// that cost nothing (unit "none": the Flatten, and the int8 conversions at
// the model's borders) are listed since every node is read; their rows are
// left out here, as they change no number.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "support/cli_runner.h"
#include "support/shared_data.h"

namespace aimc::testing {
namespace {

std::string normalized(const std::string& text) {
  std::istringstream lines(text);
  std::string line, out;
  bool first = true;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string w, joined;
    std::vector<std::string> row;
    while (words >> w) {
      if (w == "ima-cjob") w = "ima";
      if (w == "cores-chw") w = "cores";
      row.push_back(w);
      joined += (joined.empty() ? "" : " ") + w;
    }
    if (row.size() > 2 && row[2] == "none") continue;
    out += (first ? "" : "\n") + joined;
    first = false;
  }
  return out + "\n";  // the recorded text ended with a newline
}

std::string fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return text;
}

struct Recorded {
  std::string args, text_fnv;
  double cycles, energy_uj;
  int arrays;
};

// clang-format off
const Recorded kRecorded[] = {
    {"--spec mobilenetv2 --scenario cores", "04ec18b3bcd1d31c", 37025226.22873902, 4443.027147448682, 0},
    {"--spec mobilenetv2 --scenario ima-cjob8", "a34e6bc57660b941", 45822022.64516129, 6817.985357419351, 1},
    {"--spec mobilenetv2 --scenario ima-cjob16", "91841ca2ebc5f6b1", 27119702.64516129, 4032.778317419355, 1},
    {"--spec mobilenetv2 --scenario hybrid", "e84ba36d849ca4fb", 16195007.60516129, 2615.9874566193557, 1},
    {"--spec mobilenetv2 --scenario ima+dw", "0bc1b9cce67f7037", 9114905.069403714, 1296.3978471163255, 1},
    {"--spec mobilenetv2 --scenario multi-array", "5afc9ae9076728d2", 4375078.645161291, 436.14502711632446, 34},
    {"--spec mobilenetv2-paper --scenario cores", "b308b5d179306f48", 37853939.51906161, 4542.472742287391, 0},
    {"--spec mobilenetv2-paper --scenario ima-cjob8", "77d52321ae565085", 47452742.64516129, 7060.837197419351, 1},
    {"--spec mobilenetv2-paper --scenario ima-cjob16", "23f80cc08350f89d", 28750422.64516129, 4275.630157419354, 1},
    {"--spec mobilenetv2-paper --scenario hybrid", "69452af5037c3d75", 17825727.60516129, 2858.8392966193555, 1},
    {"--spec mobilenetv2-paper --scenario ima+dw", "717b8b17cdd25270", 10745625.069403714, 1539.2496871163257, 1},
    {"--spec mobilenetv2-paper --scenario multi-array", "024177b0f5cf00d7", 5202982.645161291, 508.1475871163245, 34},
    {"--spec bottleneck --scenario cores", "58cd27a91fe6aef3", 2331556.2228739006, 279.7867467448681, 0},
    {"--spec bottleneck --scenario ima-cjob8", "157964f70e054773", 1996848.0, 297.10464, 1},
    {"--spec bottleneck --scenario ima-cjob16", "6846aaddf7b1dc17", 1079568.0, 160.50047999999998, 1},
    {"--spec bottleneck --scenario hybrid", "fe738fadee4e792f", 513394.56, 82.2861312, 1},
    {"--spec bottleneck --scenario ima+dw", "3cfd5462bc4d0603", 196498.9090909091, 26.29108363636363, 1},
    {"--spec bottleneck --scenario multi-array", "ce9d62e6e9366713", 87024.0, 10.273963636363634, 2},
    {"--model MODEL --scenario cores", "7dd5c32245905ee2", 37025226.22873902, 4443.027147448682, 0},
    {"--model MODEL --scenario ima-cjob8", "98585259b19a2743", 45822022.64516129, 6817.985357419351, 1},
    {"--model MODEL --scenario ima-cjob16", "0cc6d814ad4774bf", 27119702.64516129, 4032.778317419355, 1},
    {"--model MODEL --scenario hybrid", "44948b7ca9f7eadb", 16195007.60516129, 2615.9874566193557, 1},
    {"--model MODEL --scenario ima+dw", "0bcccc373d85d343", 9114905.069403714, 1296.3978471163255, 1},
    {"--model MODEL --scenario multi-array", "8813db00a392ba88", 4375078.645161291, 436.14502711632446, 34},
    {"--model MODEL", "8813db00a392ba88", 4375078.645161291, 436.14502711632446, 34},
};
// clang-format on

TEST(CliTimingRecorded, EverySpecAndScenarioPrintsTheRecordedNumbers) {
  ScratchDir dir("timinggolden");
  const auto json = dir / "t.json";
  for (const Recorded& c : kRecorded) {
    std::string args = c.args;
    const auto at = args.find("MODEL");
    if (at != std::string::npos) args.replace(at, 5, "'" + qdq_model_path() + "'");
    const CliResult r = run_aimc("timing " + args + " --json '" + json.string() + "'", dir.path());
    ASSERT_EQ(r.exit_code, 0) << c.args << ": " << r.err;
    EXPECT_EQ(fnv1a(normalized(r.out)), c.text_fnv) << c.args << ":\n" << r.out;
    const auto total = nlohmann::json::parse(slurp(json))["total"];
    // To 4 units in the last place: whether the compiler fuses a multiply
    // and an add depends on the optimization level (-O1 in the sanitizer build).
    EXPECT_DOUBLE_EQ(total["cycles"].get<double>(), c.cycles) << c.args;
    EXPECT_DOUBLE_EQ(total["energy_uj"].get<double>(), c.energy_uj) << c.args;
    EXPECT_EQ(total["arrays"].get<int>(), c.arrays) << c.args;
  }
}

TEST(CliTimingRecorded, BottleneckTablePrintsTheRecordedNumbers) {
  ScratchDir dir("timinggoldenbn");
  const auto json = dir / "b.json";
  const CliResult r = run_aimc("timing --bottleneck --json '" + json.string() + "'", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(fnv1a(normalized(r.out)), "99e544f24d118ce7") << r.out;
  const auto bn = nlohmann::json::parse(slurp(json))["bottleneck"];
  const std::map<std::string, std::pair<double, double>> want = {
      {"cores", {2331556.2228739006, 279.7867467448681}},
      {"hybrid", {513394.56, 82.2861312}},
      {"ima+dw", {196498.9090909091, 26.29108363636363}},
      {"ima-cjob16", {1079568.0, 160.50047999999998}},
      {"ima-cjob8", {1996848.0, 297.10464}}};
  for (const auto& [s, v] : want) {
    EXPECT_DOUBLE_EQ(bn[s]["cycles"].get<double>(), v.first) << s;  // as above
    EXPECT_DOUBLE_EQ(bn[s]["energy_uj"].get<double>(), v.second) << s;
  }
}

}  // namespace
}  // namespace aimc::testing
