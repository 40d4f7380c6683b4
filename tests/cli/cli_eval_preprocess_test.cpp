// Preprocessing chosen per model through the command line: a sidecar
// beside the model is picked up by eval, classify and run, --preprocess
// overrides it, eval reports and records it, sweep and sensitivity take it
// too, and a crop that does not fit the model input is refused naming both
// shapes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "models/data/tiny_models.h"
#include "support/cli_runner.h"
#include "support/png_writer.h"

namespace aimc::testing {
namespace {

namespace fs = std::filesystem;

class CliEvalPreprocess : public ::testing::Test {
 protected:
  void SetUp() override {
    save_model(tiny_classifier_model(8), model_path());
    fs::create_directories(dir / "images");
    // Two 12×10 RGB images of class 0 (n01440764) and class 1.
    for (const char* name : {"n01440764_a.png", "n01443537_b.png"}) {
      std::vector<uint16_t> samples(12 * 10 * 3);
      for (std::size_t i = 0; i < samples.size(); ++i)
        samples[i] = static_cast<uint16_t>((i * 11 + name[8]) % 256);
      write_bytes(dir / "images" / name, encode_png(12, 10, 3, 8, samples));
    }
  }
  std::string model_path() const { return (dir / "tiny.onnx").string(); }
  std::string sidecar() const { return (dir / "tiny.preprocess.json").string(); }
  CliResult eval(const std::string& extra = "") const {
    return run_aimc("eval --threads 1 --mode float --model '" + model_path() + "' --images '" +
                        (dir / "images").string() + "' --json '" + (dir / "e.json").string() +
                        "' " + extra,
                    dir.path());
  }
  ScratchDir dir{"eval-preprocess"};
};

constexpr const char* kExact8 =
    R"({"preset": "torchvision", "resize": "exact", "resize_size": 8, "crop": 0})";

TEST_F(CliEvalPreprocess, DefaultCropThatDoesNotFitNamesBothShapes) {
  const CliResult r = eval();
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("[-1,3,224,224]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[-1,3,8,8]"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "e.json"));
}

TEST_F(CliEvalPreprocess, SidecarIsPickedUpReportedAndRecorded) {
  write_bytes(sidecar(), kExact8);
  const CliResult r = eval();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("preproc " + sidecar() + " (sidecar)"), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(slurp(dir / "e.json"));
  EXPECT_EQ(j["images"], 2);
  EXPECT_EQ(j["config"]["preprocess"]["origin"], "sidecar");
  EXPECT_EQ(j["config"]["preprocess"]["name"], sidecar());
  EXPECT_EQ(j["config"]["preprocess"]["resize_size"], nlohmann::json({8, 8}));
  // classify and run read images the same way.
  const std::string image = (dir / "images" / "n01440764_a.png").string();
  const CliResult c =
      run_aimc("classify --threads 1 --mode float --model '" + model_path() + "' '" + image + "'",
               dir.path());
  EXPECT_EQ(c.exit_code, 0) << c.err;
  const CliResult run =
      run_aimc("run --threads 1 --mode float --model '" + model_path() + "' --input '" + image +
                   "' --output '" + (dir / "o.npy").string() + "'",
               dir.path());
  EXPECT_EQ(run.exit_code, 0) << run.err;
}

TEST_F(CliEvalPreprocess, OptionOverridesTheSidecar) {
  write_bytes(sidecar(), kExact8);
  const CliResult caffe = eval("--preprocess caffe");
  EXPECT_EQ(caffe.exit_code, 2);  // caffe crops 224
  EXPECT_NE(caffe.err.find("'caffe'"), std::string::npos) << caffe.err;
  write_bytes(dir / "bgr.json",
              R"({"preset": "caffe", "resize": "exact", "resize_size": 8, "crop": 0})");
  const CliResult r = eval("--preprocess '" + (dir / "bgr.json").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(slurp(dir / "e.json"));
  EXPECT_EQ(j["config"]["preprocess"]["origin"], "--preprocess");
  EXPECT_EQ(j["config"]["preprocess"]["channels"], "bgr");
}

TEST_F(CliEvalPreprocess, BadJsonNamesTheFileAndTheKey) {
  write_bytes(sidecar(), R"({"preset": "torchvision", "layuot": "nhwc"})");
  const CliResult r = eval();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(sidecar()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'layuot'"), std::string::npos) << r.err;
  const CliResult missing = eval("--preprocess '" + (dir / "none.json").string() + "'");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("none.json"), std::string::npos) << missing.err;
}

// Sweep and sensitivity take the model's preprocessing as eval does: the
// sidecar (reported, recorded in the sweep's header), and keras-mobilenet's
// 224 crops refused on this 8×8 model before any results file exists.
TEST_F(CliEvalPreprocess, SweepAndSensitivityTakeTheModelsPreprocessing) {
  write_bytes(dir / "grid.json", R"({"analog": "ideal", "grid": {"adc_bits": [8]}, "seeds": 1})");
  const std::string sweep =
      "sweep --threads 1 --model '" + model_path() + "' --images '" + (dir / "images").string() +
      "' --grid '" + (dir / "grid.json").string() + "' --out '" + (dir / "s.jsonl").string() + "'";
  CliResult r = run_aimc(sweep, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("[-1,3,224,224]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[-1,3,8,8]"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "s.jsonl"));
  const CliResult sens =
      run_aimc("sensitivity --analog ideal --threads 1 --model '" + model_path() + "' --images '" +
                   (dir / "images").string() + "'",
               dir.path());
  EXPECT_EQ(sens.exit_code, 2) << sens.err;
  EXPECT_NE(sens.err.find("[-1,3,8,8]"), std::string::npos) << sens.err;

  write_bytes(sidecar(), kExact8);
  r = run_aimc(sweep, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("sweep: preprocessing " + sidecar() + " (sidecar)"), std::string::npos)
      << r.err;
  std::istringstream lines(slurp(dir / "s.jsonl"));
  std::string first;
  std::getline(lines, first);
  const auto header = nlohmann::json::parse(first);
  EXPECT_EQ(header["sweep"]["preprocessing"]["name"], sidecar());
  EXPECT_EQ(header["sweep"]["preprocessing"]["resize_size"], nlohmann::json({8, 8}));
}

}  // namespace
}  // namespace aimc::testing
