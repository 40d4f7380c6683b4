// MNIST through aimc eval and aimc sweep: the committed models of
// models/mnist/ on the shared t10k IDX files, the split recorded in the
// results, refusals of bad IDX input, and ideal analog tiles equal to the
// digital path bit for bit on MNIST images.
#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "engine/analog/analog_config_json.h"
#include "engine/model.h"
#include "engine/onnx_import.h"
#include "models/data/mnist.h"
#include "support/cli_runner.h"
#include "support/shared_data.h"

namespace aimc::testing {
namespace {

std::string mnist_images() { return shared_path("data/mnist/t10k-images-idx3-ubyte.gz"); }
std::string mnist_labels() { return shared_path("data/mnist/t10k-labels-idx1-ubyte.gz"); }
std::string mnist_model(const std::string& name) {
  return std::string(source_dir_path()) + "/models/mnist/" + name;
}

nlohmann::json eval_json(const std::string& args, const ScratchDir& dir) {
  const auto out = dir / "eval.json";
  const CliResult r = run_aimc(
      "eval --threads 1 --images '" + mnist_images() + "' --json '" + out.string() + "' " + args,
      dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? nlohmann::json::parse(slurp(out)) : nlohmann::json();
}

TEST(CliMnist, EvalReportsTheSecondHalfAndRecordsTheSplit) {
  ScratchDir dir("mnist-eval");
  const auto j =
      eval_json("--model '" + mnist_model("mlp.onnx") + "' --mode float --limit 64", dir);
  ASSERT_FALSE(j.is_null());
  EXPECT_EQ(j["images"], 64);
  EXPECT_GE(j["top1_count"].get<int>(), 56);  // the model is ~94 % accurate
  EXPECT_EQ(j["calibration_split"]["calibration_images"], nlohmann::json({0, 5000}));
  EXPECT_EQ(j["calibration_split"]["evaluation_images"], nlohmann::json({5000, 5064}));
  EXPECT_EQ(j["config"]["labels"], mnist_labels());
  EXPECT_EQ(j["config"]["preprocess"]["sample_shape"], nlohmann::json({784}));
}

TEST(CliMnist, AnalogCalibratesOnTheFirstHalfOnly) {
  ScratchDir dir("mnist-analog");
  const auto j = eval_json("--model '" + mnist_model("mlp-qdq.onnx") +
                               "' --mode analog --analog ima-paper --set calibration_images=16 "
                               "--limit 16",
                           dir);
  ASSERT_FALSE(j.is_null());
  EXPECT_EQ(j["config"]["calibration"]["images"], nlohmann::json({mnist_images() + "[0:16]"}));
  EXPECT_EQ(j["config"]["calibration"]["adc_ranges"].size(), 3u);
}

TEST(CliMnist, LstmReadsTheRowsAsTimeSteps) {
  ScratchDir dir("mnist-lstm");
  const auto j =
      eval_json("--model '" + mnist_model("lstm.onnx") + "' --mode float --limit 32", dir);
  ASSERT_FALSE(j.is_null());
  EXPECT_EQ(j["config"]["preprocess"]["sample_shape"], nlohmann::json({28, 28}));
  EXPECT_GE(j["top1_count"].get<int>(), 28);
}

TEST(CliMnist, SweepEvaluatesTheSecondHalf) {
  ScratchDir dir("mnist-sweep");
  write_bytes(dir / "grid.json",
              R"({"analog": "ideal", "grid": {"adc_bits": [8, 16]}, "seeds": 1})");
  const auto out = dir / "r.jsonl";
  const CliResult r =
      run_aimc("sweep --threads 1 --model '" + mnist_model("mlp-qdq.onnx") + "' --images '" +
                   mnist_images() + "' --grid '" + (dir / "grid.json").string() + "' --out '" +
                   out.string() + "' --limit 16",
               dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("evaluated on 16 images of "), std::string::npos) << r.err;
  std::istringstream lines(slurp(out));
  std::string line;
  std::getline(lines, line);
  const auto header = nlohmann::json::parse(line);
  EXPECT_EQ(header["sweep"]["calibration_split"]["evaluation_images"],
            nlohmann::json({5000, 5016}));
  EXPECT_EQ(header["sweep"]["preprocessing"]["name"], "idx");
  int results = 0;
  while (std::getline(lines, line)) {
    EXPECT_EQ(nlohmann::json::parse(line)["images"], 16);
    ++results;
  }
  EXPECT_EQ(results, 2);
}

// Exit code 2, the file named, nothing written.
void expect_refused(const std::string& args, const std::string& named, const ScratchDir& dir) {
  const auto out = dir / "refused.json";
  const CliResult r =
      run_aimc("eval --threads 1 --json '" + out.string() + "' " + args, dir.path());
  EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
  EXPECT_NE(r.err.find(named), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

// A float LSTM has no integer form yet: digital mode refuses it, naming a
// node, rather than run it in float.
TEST(CliMnist, FloatLstmIsRefusedInDigitalMode) {
  ScratchDir dir("mnist-lstm-digital");
  expect_refused(
      "--images '" + mnist_images() + "' --mode digital --model '" + mnist_model("lstm.onnx") + "'",
      "has no integer form", dir);
}

TEST(CliMnist, BadIdxInputIsRefusedNamingTheFile) {
  ScratchDir dir("mnist-bad");
  const std::string model = " --mode float --model '" + mnist_model("mlp.onnx") + "'";
  // A truncated image file, with a valid label file beside it.
  const std::string images = slurp(mnist_images());
  write_bytes(dir / "cut-images-idx3-ubyte.gz", images.substr(0, images.size() / 2));
  write_bytes(dir / "cut-labels-idx1-ubyte.gz", slurp(mnist_labels()));
  const std::string cut = (dir / "cut-images-idx3-ubyte.gz").string();
  expect_refused("--images '" + cut + "'" + model, cut, dir);
  // Labels given as images: wrong magic.
  expect_refused("--images '" + mnist_labels() + "' --labels '" + mnist_labels() + "'" + model,
                 "magic 0x00000801", dir);
  // Fewer labels than images.
  std::string few = slurp(mnist_labels());
  write_bytes(dir / "few", few.substr(0, 8) + std::string(2, '\0'));
  expect_refused(
      "--images '" + mnist_images() + "' --labels '" + (dir / "few").string() + "'" + model,
      (dir / "few").string(), dir);
  // A model whose input is not 784 pixels.
  expect_refused(
      "--images '" + mnist_images() + "' --mode float --model '" + fp32_model_path() + "'",
      fp32_model_path(), dir);
  // Calibration comes from the IDX file's first half, nothing else.
  expect_refused(
      "--images '" + mnist_images() + "'" + model + " --calibration '" + mnist_images() + "'",
      "--calibration", dir);
}

// The ideal preset's tiles reproduce the integer path exactly: same logits
// bit for bit on MNIST images, not only the same top-1.
TEST(CliMnist, IdealAnalogEqualsDigitalBitForBit) {
  const models::MnistSet set = models::load_mnist(mnist_images());
  const Tensor x = models::mnist_samples(set, 5000, 32, {784}, "mlp-qdq.onnx");
  const Graph graph = import_onnx_file(mnist_model("mlp-qdq.onnx"));
  ModelOptions digital;
  ModelOptions ideal;
  ideal.mode = ExecMode::kAnalog;
  ideal.analog = load_analog_config("ideal", {});
  const Model d = Model::from_graph(graph, digital);
  const Model a = Model::from_graph(graph, ideal);
  const ModelOutputs od = d.run({x});
  const ModelOutputs oa = a.run({x});
  ASSERT_EQ(od.outputs.at(0).shape(), (Shape{32, 10}));
  ASSERT_EQ(oa.outputs.at(0).shape(), od.outputs.at(0).shape());
  EXPECT_EQ(std::memcmp(od.outputs[0].raw(), oa.outputs[0].raw(), od.outputs[0].byte_size()), 0);
}

}  // namespace
}  // namespace aimc::testing
