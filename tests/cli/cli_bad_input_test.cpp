// Bad input gets exit code 2, a message naming the
// file/node and the problem, no crash and no partial output file.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/cli_runner.h"
#include "support/onnx_builder.h"
#include "support/png_writer.h"
#include "support/shared_data.h"

namespace aimc::testing {
namespace {

namespace fs = std::filesystem;

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

class CliBadInput : public ::testing::Test {
 protected:
  ScratchDir dir{"cli"};
  fs::path out() const { return dir / "out.bin"; }
  fs::path crop() const {
    // A valid .u8 input: the first reference crop.
    const auto p = dir / "crop.u8";
    if (!fs::exists(p)) {
      const auto crops = read_binary(shared_path("reference/crops_u8.bin"));
      write_bytes(p, std::string(crops.begin(), crops.begin() + 224 * 224 * 3));
    }
    return p;
  }
  // `aimc run` with a given model; the run must fail cleanly.
  void expect_model_refused(const fs::path& model, const std::string& must_mention) {
    const CliResult r = run_aimc(
        "run --model " + q(model) + " --input " + q(crop()) + " --output " + q(out()), dir.path());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(model.filename().string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(must_mention), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out())) << "partial output left behind";
  }
};

TEST_F(CliBadInput, GarbageBytesAsOnnx) {
  const auto m = dir / "garbage.onnx";
  std::string bytes;
  for (int i = 0; i < 4096; ++i) bytes += static_cast<char>((i * 7919) & 0xff);
  write_bytes(m, bytes);
  expect_model_refused(m, "not a valid ONNX model");
}

TEST_F(CliBadInput, TruncatedOnnx) {
  const auto m = dir / "truncated.onnx";
  const std::string full = slurp(qdq_model_path());
  write_bytes(m, full.substr(0, full.size() / 2));
  expect_model_refused(m, "not a valid ONNX model");
}

TEST_F(CliBadInput, UnsupportedOperator) {
  const auto m = dir / "unsupported.onnx";
  write_bytes(m, single_node_model("NoSuchOperator").SerializeAsString());
  expect_model_refused(m, "unsupported operator 'NoSuchOperator'");
}

TEST_F(CliBadInput, UnsupportedOperatorNamesTheNode) {
  const auto m = dir / "unsupported2.onnx";
  write_bytes(m, single_node_model("NoSuchOperator").SerializeAsString());
  const CliResult r = run_aimc(
      "run --model " + q(m) + " --input " + q(crop()) + " --output " + q(out()), dir.path());
  EXPECT_NE(r.err.find("the_node"), std::string::npos) << r.err;
}

TEST_F(CliBadInput, InitializerSizeContradictsShape) {
  const auto m = dir / "badinit.onnx";
  auto model = single_node_model("Add", true);
  model.mutable_graph()->mutable_initializer(0)->set_raw_data(
      std::string(8, '\0'));  // shape [4] needs 16
  write_bytes(m, model.SerializeAsString());
  expect_model_refused(m, "initializer 'B'");
}

TEST_F(CliBadInput, MissingModelFile) {
  expect_model_refused(dir / "does_not_exist.onnx", "cannot open");
}

TEST_F(CliBadInput, EmptyModelFile) {
  const auto m = dir / "empty.onnx";
  write_bytes(m, "");
  expect_model_refused(m, "empty file");
}

// A folder where a JSON file is expected (libstdc++'s filebuf threw from
// inside the JSON parser on reading one): exit code 2 naming it.
TEST_F(CliBadInput, FolderGivenAsJsonFile) {
  const fs::path folder = dir / "configs.json";
  fs::create_directories(folder);
  for (const std::string& args :
       {"eval --mode analog --analog " + q(folder) + " --limit 1 --json " + q(out()),
        "timing --hw " + q(folder) + " --json " + q(out()),
        "sweep --grid " + q(folder) + " --out " + q(out())}) {
    SCOPED_TRACE(args);
    const CliResult r = run_aimc(args, dir.path());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("configs.json"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out())) << "partial output left behind";
  }
}

TEST_F(CliBadInput, CorruptJpeg) {
  const auto img = dir / "corrupt.jpg";
  const std::string full = slurp(shared_path("data/imagenet-sample/n01440764_tench.JPEG"));
  std::string bytes = full.substr(0, 600);  // header survives, entropy data is cut
  write_bytes(img, bytes);
  const CliResult r =
      run_aimc("classify --image " + q(img) + " --json " + q(dir / "out.json"), dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("corrupt.jpg"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out.json"));
}

TEST_F(CliBadInput, MissingImage) {
  const CliResult r = run_aimc("classify --image " + q(dir / "nope.jpg"), dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("nope.jpg"), std::string::npos) << r.err;
}

TEST_F(CliBadInput, HugeImageRefusedBeforeDecoding) {
  // A PNG header declaring 20000×20000 RGB; refused from the header alone.
  const std::string png = png_signature() + png_ihdr(20000, 20000, 3, 8);
  const auto img = dir / "huge.png";
  write_bytes(img, png);
  const CliResult r = run_aimc("run --input " + q(img) + " --output " + q(out()), dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("huge.png"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("20000"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out()));
}

TEST_F(CliBadInput, LabelsFileWithWrongLineCount) {
  const auto labels = dir / "labels.txt";
  write_bytes(labels, "n01440764 tench\nn01443537 goldfish\n");
  const CliResult r = run_aimc(
      "eval --limit 2 --labels " + q(labels) + " --json " + q(dir / "eval.json"), dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("labels.txt"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "eval.json"));
}

TEST_F(CliBadInput, WrongSizeRawInput) {
  const auto in = dir / "short.u8";
  write_bytes(in, std::string(1000, '\0'));
  const CliResult r = run_aimc("run --input " + q(in) + " --output " + q(out()), dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("short.u8"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out()));
}

TEST_F(CliBadInput, UnknownOptionAndCommand) {
  EXPECT_EQ(run_aimc("eval --no-such-flag", dir.path()).exit_code, 2);
  EXPECT_EQ(run_aimc("frobnicate", dir.path()).exit_code, 2);
  EXPECT_EQ(run_aimc("eval --mode quantum", dir.path()).exit_code, 2);
  EXPECT_EQ(run_aimc("bench --threads 0", dir.path()).exit_code, 2);
}

}  // namespace
}  // namespace aimc::testing
