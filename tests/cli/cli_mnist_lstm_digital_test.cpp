// The MNIST LSTM as ONNX Runtime's quantize_dynamic writes it
// (models/mnist/lstm-dq.onnx, from quantize_dynamic_lstm.py): its
// DynamicQuantizeLSTM and classifier MatMulInteger chain run as integer ops
// in digital mode (the Transpose, Squeeze and Gather around them only move
// values); the ideal tiles equal digital bit for bit.
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
std::string lstm_dq() { return std::string(source_dir_path()) + "/models/mnist/lstm-dq.onnx"; }

TEST(CliMnistLstmDigital, IntegerLstmAndClassifierRunWithoutFloatNodes) {
  ScratchDir dir("mnist-lstm-dq");
  const auto out = dir / "eval.json";
  const std::string common = "eval --threads 1 --batch 1 --limit 32 --images '" + mnist_images() +
                             "' --model '" + lstm_dq() + "' --json '" + out.string() + "'";
  // The Transpose, Squeeze and Gather around the integer ops only move values.
  const CliResult r = run_aimc(common + " --mode digital", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(slurp(out));
  EXPECT_GE(j["top1_count"].get<int>(), 29);  // the model is ~95 % accurate
  EXPECT_FALSE(j.contains("float_nodes")) << j["float_nodes"];
  // The float model's LSTM itself is still refused in digital mode, by name.
  const std::string float_lstm = std::string(source_dir_path()) + "/models/mnist/lstm.onnx";
  const CliResult f = run_aimc("eval --limit 4 --images '" + mnist_images() + "' --model '" +
                                   float_lstm + "' --mode digital",
                               dir.path());
  EXPECT_EQ(f.exit_code, 2);
  EXPECT_NE(f.err.find("/lstm/LSTM"), std::string::npos) << f.err;
}

TEST(CliMnistLstmDigital, IdealAnalogEqualsDigitalBitForBit) {
  const models::MnistSet set = models::load_mnist(mnist_images());
  const Tensor x = models::mnist_samples(set, 5000, 16, {28, 28}, "lstm-dq.onnx");
  const Graph graph = import_onnx_file(lstm_dq());
  ModelOptions digital;
  ModelOptions ideal = digital;
  ideal.mode = ExecMode::kAnalog;
  ideal.analog = load_analog_config("ideal", {});
  const Model d = Model::from_graph(graph, digital);
  const Model a = Model::from_graph(graph, ideal);
  int on_tiles = 0;
  for (const Node& n : a.graph().nodes) {
    if (n.op_type == "QDynamicLSTM" || n.op_type == "QDynamicGemm") {
      EXPECT_TRUE(on_crossbar(n.placement.unit)) << n.name;
      ++on_tiles;
    }
  }
  EXPECT_EQ(on_tiles, 2);
  const ModelOutputs od = d.run({x});
  const ModelOutputs oa = a.run({x});
  ASSERT_EQ(od.outputs.at(0).shape(), (Shape{16, 10}));
  ASSERT_EQ(oa.outputs.at(0).shape(), od.outputs.at(0).shape());
  EXPECT_EQ(std::memcmp(od.outputs[0].raw(), oa.outputs[0].raw(), od.outputs[0].byte_size()), 0);
}

}  // namespace
}  // namespace aimc::testing
