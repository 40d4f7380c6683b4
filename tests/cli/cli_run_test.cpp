// Bit-exactness through the command line: `aimc run --input <crop>.u8
// --format int8` reproduces the TFLite Micro logits byte for byte, and
// --dump-layers reproduces every layer of the per-layer dumps.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/cli_runner.h"
#include "support/shared_data.h"

namespace aimc::testing {
namespace {

namespace fs = std::filesystem;
constexpr int kCrop = 224 * 224 * 3;

TEST(CliRun, Int8LogitsEqualReferenceForEveryCrop) {
  ScratchDir dir("run");
  const auto crops = read_binary(shared_path("reference/crops_u8.bin"));
  const auto golden = read_binary(shared_path("reference/logits_int8.bin"));
  // Every 4th crop through the CLI (25 processes); the engine test
  // Flavors/BitExact checks all 100 in one process.
  const int step = kSanitized ? 33 : 4;
  for (int row = 0; row < 100; row += step) {
    const auto in = dir / ("crop" + std::to_string(row) + ".u8");
    const auto out = dir / ("logits" + std::to_string(row) + ".bin");
    write_bytes(in, std::string(crops.begin() + int64_t{row} * kCrop,
                                crops.begin() + int64_t{row + 1} * kCrop));
    const CliResult r = run_aimc("run --threads 2 --input '" + in.string() + "' --output '" +
                                     out.string() + "' --format int8",
                                 dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string ours = slurp(out);
    const std::string want(golden.begin() + row * 1000, golden.begin() + (row + 1) * 1000);
    EXPECT_EQ(ours, want) << "row " << row;
  }
}

TEST(CliRun, DumpLayersMatchesReferenceDumps) {
  ScratchDir dir("dump");
  const auto crops = read_binary(shared_path("reference/crops_u8.bin"));
  const auto in = dir / "crop0.u8";  // row 0 is class 0, which has per-layer dumps
  write_bytes(in, std::string(crops.begin(), crops.begin() + kCrop));
  const auto dump = dir / "layers";
  const CliResult r =
      run_aimc("run --input '" + in.string() + "' --output '" + (dir / "o.bin").string() +
                   "' --dump-layers '" + dump.string() + "'",
               dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto ours = nlohmann::json::parse(slurp(dump / "index.json"));
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& e : ours["layers"]) by_name[e["name"]] = e;
  const std::string ref_dir = shared_path("reference/layers/0");
  const auto ref = nlohmann::json::parse(slurp(ref_dir + "/index.json"));
  int compared = 0;
  for (const auto& t : ref["tensors"]) {
    const std::string name = t["onnx_tensor"];
    ASSERT_TRUE(by_name.count(name)) << name << " missing from the dump";
    const auto& e = by_name[name];
    EXPECT_EQ(e["dtype"], "int8");
    EXPECT_FLOAT_EQ(e["scale"].get<float>(), t["scale"].get<float>()) << name;
    EXPECT_EQ(e["zero_point"], t["zero_point"]) << name;
    EXPECT_EQ(slurp(dump / e["file"].get<std::string>()),
              slurp(ref_dir + "/" + t["file"].get<std::string>()))
        << name;
    ++compared;
  }
  EXPECT_EQ(compared, static_cast<int>(ref["tensors"].size()));
}

TEST(CliRun, F32OutputIsTheDequantizedInt8Output) {
  ScratchDir dir("f32");
  const auto crops = read_binary(shared_path("reference/crops_u8.bin"));
  const auto in = dir / "c.u8";
  write_bytes(in, std::string(crops.begin(), crops.begin() + kCrop));
  ASSERT_EQ(run_aimc("run --input '" + in.string() + "' --output '" + (dir / "i8.bin").string() +
                         "' --format int8",
                     dir.path())
                .exit_code,
            0);
  ASSERT_EQ(run_aimc("run --input '" + in.string() + "' --output '" + (dir / "f.bin").string() +
                         "' --format f32",
                     dir.path())
                .exit_code,
            0);
  const std::string i8 = slurp(dir / "i8.bin"), f = slurp(dir / "f.bin");
  ASSERT_EQ(i8.size(), 1000u);
  ASSERT_EQ(f.size(), 4000u);
  for (int c = 0; c < 1000; ++c) {
    float v;
    std::memcpy(&v, f.data() + 4 * c, 4);
    // Output quantization of the shared model: scale 0.0626179, zero point -48.
    EXPECT_NEAR(v, (static_cast<int8_t>(i8[c]) + 48) * 0.0626179f, 1e-5f);
  }
}

TEST(CliRun, SameLogitsForOneAndTwoThreads) {
  ScratchDir dir("runthreads");
  const std::string image = shared_path("data/imagenet-sample/n01443537_goldfish.JPEG");
  std::string outputs[2];
  for (int threads : {1, 2}) {
    const auto out = dir / ("t" + std::to_string(threads) + ".bin");
    const CliResult r = run_aimc("run --threads " + std::to_string(threads) + " --input '" + image +
                                     "' --output '" + out.string() + "'",
                                 dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    outputs[threads - 1] = slurp(out);
  }
  ASSERT_EQ(outputs[0].size(), 1000u);
  EXPECT_TRUE(outputs[0] == outputs[1]);
}

}  // namespace
}  // namespace aimc::testing
