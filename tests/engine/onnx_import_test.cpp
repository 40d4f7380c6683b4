// The importer's refusals through the library API (the CLI tests check the
// same cases end to end), and the lowering of the shared QDQ model.
#include "engine/onnx_import.h"

#include <gtest/gtest.h>

#include "engine/error.h"
#include "engine/model.h"
#include "engine/passes/lower_qdq.h"
#include "support/cli_runner.h"
#include "support/onnx_builder.h"
#include "support/shared_data.h"

namespace aimc {
namespace {

template <typename F>
std::string bad_input_message(F&& f) {
  try {
    f();
  } catch (const BadInput& e) {
    return e.what();
  }
  return "<no BadInput thrown>";
}

TEST(OnnxImport, RefusesGarbageEmptyAndTruncated) {
  EXPECT_NE(bad_input_message([] { import_onnx_bytes("", "e.onnx"); }).find("e.onnx: empty file"),
            std::string::npos);
  EXPECT_NE(bad_input_message([] {
              import_onnx_bytes(std::string(100, '\xff'), "g.onnx");
            }).find("not a valid ONNX"),
            std::string::npos);
  auto bytes = testing::read_binary<char>(testing::qdq_model_path());
  const std::string truncated(bytes.begin(), bytes.begin() + bytes.size() / 3);
  EXPECT_NE(bad_input_message([&] { import_onnx_bytes(truncated, "t.onnx"); }).find("t.onnx"),
            std::string::npos);
  EXPECT_NE(bad_input_message([] { import_onnx_file("/nonexistent/m.onnx"); }).find("cannot open"),
            std::string::npos);
}

TEST(OnnxImport, RefusesInitializerSizeMismatch) {
  auto m = testing::single_node_model("Add", true);
  m.mutable_graph()->mutable_initializer(0)->set_raw_data(std::string(12, '\0'));
  const std::string msg =
      bad_input_message([&] { import_onnx_bytes(m.SerializeAsString(), "b.onnx"); });
  EXPECT_NE(msg.find("initializer 'B'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("12 bytes"), std::string::npos) << msg;
}

TEST(OnnxImport, RefusesUnsupportedOpNamingTheNode) {
  const auto m = testing::single_node_model("NoSuchOperator");
  const std::string msg = bad_input_message(
      [&] { Model::from_graph(import_onnx_bytes(m.SerializeAsString(), "u.onnx")); });
  EXPECT_NE(msg.find("the_node"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unsupported operator"), std::string::npos) << msg;
}

TEST(OnnxImport, RefusesDanglingInput) {
  auto m = testing::single_node_model("Relu");
  m.mutable_graph()->mutable_node(0)->set_input(0, "nowhere");
  const std::string msg =
      bad_input_message([&] { import_onnx_bytes(m.SerializeAsString(), "d.onnx"); });
  EXPECT_NE(msg.find("nowhere"), std::string::npos) << msg;
}

TEST(QdqLowering, SharedModelBecomesIntegerOps) {
  Graph g = import_onnx_file(testing::qdq_model_path());
  EXPECT_EQ(g.nodes.size(), 303u);
  const LoweringReport r = lower_qdq(g);
  std::map<std::string, int> ops;
  for (const auto& n : g.nodes) ++ops[n.op_type];
  // 52 convs (17 depthwise), 10 adds, the mean, the flatten, the classifier.
  EXPECT_EQ(ops["QConv"], 52);
  EXPECT_EQ(ops["QAdd"], 10);
  EXPECT_EQ(ops["QGlobalAveragePool"], 1);
  EXPECT_EQ(ops["QFlatten"], 1);
  EXPECT_EQ(ops["QGemm"], 1);
  EXPECT_EQ(ops["QQuantize"], 1);
  EXPECT_EQ(ops["QDequantize"], 1);
  EXPECT_EQ(r.lowered_ops, 65);
  EXPECT_EQ(g.nodes.size(), 67u);  // nothing float is left over
  EXPECT_EQ(ops["DequantizeLinear"] + ops["QuantizeLinear"], 0);
}

TEST(QdqLowering, LeavesStandaloneQuantizeLinearAlone) {
  auto m = testing::single_node_model("Relu");
  Graph g = import_onnx_bytes(m.SerializeAsString(), "r.onnx");
  EXPECT_FALSE(lower_qdq(g).applied());
  EXPECT_EQ(g.nodes[0].op_type, "Relu");
}

}  // namespace
}  // namespace aimc

namespace aimc {
namespace {

// X -> Relu -> Relu -> ... (10,000 nodes), stored in reverse order:
// the importer sorts it in linear time and the chain computes what it should.
TEST(OnnxImport, TenThousandNodeGraphsLoadAndRun) {
  constexpr int kNodes = 10000;
  onnx::ModelProto m = testing::single_node_model("Relu");
  auto* g = m.mutable_graph();
  g->clear_node();
  for (int i = kNodes - 1; i >= 0; --i) {
    auto* n = g->add_node();
    n->set_op_type("Relu");
    n->set_name("n" + std::to_string(i));
    n->add_input(i == 0 ? std::string("X") : "v" + std::to_string(i - 1));
    n->add_output(i == kNodes - 1 ? std::string("Y") : "v" + std::to_string(i));
  }
  ModelOptions options;
  options.mode = ExecMode::kFloat;
  const Model model = Model::from_graph(import_onnx_bytes(m.SerializeAsString(), "chain"), options);
  ASSERT_EQ(model.graph().nodes.size(), std::size_t{kNodes});
  EXPECT_EQ(model.graph().nodes.front().name, "n0");
  Tensor x(DType::kFloat32, {1, 4});
  const float in[4] = {-2.0f, -0.5f, 0.5f, 3.0f};
  std::copy(in, in + 4, x.data<float>());
  const Tensor y = model.run({x}).outputs.at(0);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(y.data<float>()[i], std::max(in[i], 0.0f)) << i;
}

TEST(OnnxImport, ExternalDataInsideTheModelsFolderLoads) {
  testing::ScratchDir dir{"external"};
  onnx::ModelProto m = testing::single_node_model("Add", true);
  auto* init = m.mutable_graph()->mutable_initializer(0);
  const float b[4] = {1.5f, -2.0f, 0.25f, 8.0f};
  std::string bytes(reinterpret_cast<const char*>(b), sizeof b);
  init->clear_raw_data();
  init->set_data_location(onnx::TensorProto::EXTERNAL);
  for (const auto& [k, v] : {std::pair{"location", "sub/w.bin"}, std::pair{"offset", "3"}}) {
    auto* e = init->add_external_data();
    e->set_key(k);
    e->set_value(v);
  }
  std::filesystem::create_directories(dir / "sub");
  testing::write_bytes(dir / "sub" / "w.bin", "abc" + bytes);
  testing::write_bytes(dir / "m.onnx", m.SerializeAsString());
  const Graph g = import_onnx_file((dir / "m.onnx").string());
  const Tensor& t = g.initializers.at("B");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(t.data<float>()[i], b[i]);
  // The same model from memory has no folder to read from.
  EXPECT_NE(bad_input_message([&] {
              import_onnx_bytes(m.SerializeAsString(), "mem");
            }).find("needs the model's folder"),
            std::string::npos);
}

}  // namespace
}  // namespace aimc
