// Hostile ONNX models. Each class gets exit code 2, a
// message naming the file and the cause, no crash, no partial output, and
// nothing large allocated (see engine/limits.h and README "Limits and
// robustness"). Large but honest graphs (10,000 nodes) load and run.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "support/cli_runner.h"
#include "support/onnx_builder.h"
#include "support/shared_data.h"

namespace aimc::testing {
namespace {

namespace fs = std::filesystem;

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

class CliHostileModel : public ::testing::Test {
 protected:
  ScratchDir dir{"hostile"};
  fs::path out() const { return dir / "out.bin"; }
  fs::path crop() const {
    const auto p = dir / "crop.u8";
    if (!fs::exists(p)) {
      const auto crops = read_binary(shared_path("reference/crops_u8.bin"));
      write_bytes(p, std::string(crops.begin(), crops.begin() + 224 * 224 * 3));
    }
    return p;
  }
  void expect_refused(const fs::path& model, const std::string& must_mention,
                      const std::string& also = "") {
    const CliResult r = run_aimc(
        "run --model " + q(model) + " --input " + q(crop()) + " --output " + q(out()), dir.path());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(model.filename().string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(must_mention), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(also), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out())) << "partial output left behind";
  }
  fs::path save(const std::string& name, const onnx::ModelProto& m) {
    const fs::path p = dir / name;
    write_bytes(p, m.SerializeAsString());
    return p;
  }
};

TEST_F(CliHostileModel, HugeDeclaredDimensions) {
  auto m = single_node_model("Relu");
  auto* dims =
      m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
  dims->mutable_dim(1)->set_dim_value(int64_t{1} << 40);
  expect_refused(save("huge_dims.onnx", m), "the tensor limit");
}

TEST_F(CliHostileModel, NegativeDeclaredDimension) {
  auto m = single_node_model("Relu");
  m.mutable_graph()
      ->mutable_input(0)
      ->mutable_type()
      ->mutable_tensor_type()
      ->mutable_shape()
      ->mutable_dim(1)
      ->set_dim_value(-4);
  expect_refused(save("negative_dim.onnx", m), "negative dimension -4");
}

TEST_F(CliHostileModel, DimensionProductsThatOverflow) {
  // 2^31 * 2^31 * 2^31 overflows int64; refused by the limit, not by luck.
  auto m = single_node_model("Add", true);
  auto* init = m.mutable_graph()->mutable_initializer(0);
  init->clear_dims();
  for (int i = 0; i < 3; ++i) init->add_dims(int64_t{1} << 31);
  expect_refused(save("overflow.onnx", m), "initializer 'B'", "the tensor limit");
  // An inferred shape beyond the limit names the node that would make it.
  auto pad = single_node_model("Pad");
  auto* g = pad.mutable_graph();
  g->mutable_node(0)->add_input(std::string("pads"));
  auto* pads = g->add_initializer();
  pads->set_name("pads");
  pads->set_data_type(onnx::TensorProto::INT64);
  pads->add_dims(4);
  for (int64_t v : {int64_t{0}, int64_t{0}, int64_t{1} << 20, int64_t{1} << 20})
    pads->add_int64_data(v);
  g->mutable_output(0)->mutable_type()->mutable_tensor_type()->clear_shape();
  expect_refused(save("huge_pad.onnx", pad), "node 'the_node'", "the tensor limit");
}

TEST_F(CliHostileModel, InitializerBytesContradictTheShape) {
  auto m = single_node_model("Add", true);
  m.mutable_graph()->mutable_initializer(0)->set_raw_data(std::string(1000, '\0'));
  expect_refused(save("bytes.onnx", m), "has 1000 bytes of data but its shape [4]");
}

TEST_F(CliHostileModel, Cycle) {
  // Y = Relu(Add(X, Z)), Z = Relu(Y): each waits for the other.
  auto m = single_node_model("Add");
  auto* g = m.mutable_graph();
  g->mutable_node(0)->add_input(std::string("Z"));
  g->mutable_node(0)->set_output(0, "S");
  auto* a = g->add_node();
  a->set_op_type("Relu");
  a->set_name("relu_a");
  a->add_input(std::string("S"));
  a->add_output(std::string("Y"));
  auto* b = g->add_node();
  b->set_op_type("Relu");
  b->set_name("relu_b");
  b->add_input(std::string("Y"));
  b->add_output(std::string("Z"));
  expect_refused(save("cycle.onnx", m), "part of a cycle");
}

TEST_F(CliHostileModel, DanglingInputAndDoubleDefinition) {
  auto m = single_node_model("Add");
  m.mutable_graph()->mutable_node(0)->add_input(std::string("nowhere"));
  expect_refused(save("dangling.onnx", m), "reads 'nowhere', which no node");

  auto twice = single_node_model("Relu");
  auto* n = twice.mutable_graph()->add_node();
  n->set_op_type("Relu");
  n->set_name("second");
  n->add_input(std::string("X"));
  n->add_output(std::string("Y"));
  expect_refused(save("twice.onnx", twice), "writes 'Y', which another node");
}

TEST_F(CliHostileModel, UnsupportedOrMissingOpset) {
  auto m = single_node_model("Relu");
  m.mutable_opset_import(0)->set_version(99);
  expect_refused(save("opset99.onnx", m), "opset 99 is not supported");
  auto none = single_node_model("Relu");
  none.clear_opset_import();
  expect_refused(save("no_opset.onnx", none), "imports no ONNX (ai.onnx) opset");
}

// B of Add stored in a separate file, as ONNX's external data does.
onnx::ModelProto external_model(const std::string& location, int64_t length = 16) {
  auto m = single_node_model("Add", true);
  auto* init = m.mutable_graph()->mutable_initializer(0);
  init->clear_raw_data();
  init->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* e = init->add_external_data();
  e->set_key("location");
  e->set_value(location);
  auto* len = init->add_external_data();
  len->set_key("length");
  len->set_value(std::to_string(length));
  return m;
}

TEST_F(CliHostileModel, ExternalDataMustStayInTheModelsFolder) {
  const fs::path models = dir / "models";
  fs::create_directories(models);
  write_bytes(dir / "outside.bin", std::string(16, '\0'));
  write_bytes(models / "weights.bin", std::string(16, '\0'));
  expect_refused(save("models/up.onnx", external_model("../outside.bin")),
                 "leaves the model's folder");
  expect_refused(save("models/abs.onnx", external_model((dir / "outside.bin").string())),
                 "is absolute");
  fs::create_symlink(dir / "outside.bin", models / "link.bin");
  expect_refused(save("models/link.onnx", external_model("link.bin")), "leaves the model's folder");
  expect_refused(save("models/missing.onnx", external_model("nothing.bin")), "does not exist");
  expect_refused(save("models/short.onnx", external_model("weights.bin", 12)),
                 "has 12 bytes of external data but its shape needs 16");
}

TEST_F(CliHostileModel, ModelFilesBeyondTheSizeLimitAreNotRead) {
  // A sparse file: 2 GiB of apparent size, no disk used, refused before reading.
  const fs::path big = dir / "big.onnx";
  { std::ofstream(big.string()) << "x"; }
  fs::resize_file(big, (uintmax_t{2} << 30) + 1);
  expect_refused(big, "models are limited to");
}

// Every model the fuzzer found crashing the importer (tests/fuzz/regressions,
// e.g. NaN or zero quantization scales) is now a clean refusal.
TEST_F(CliHostileModel, ModelsFoundByFuzzingAreRefused) {
  const fs::path dir_ =
      fs::path(testing::source_dir_path()) / "tests/fuzz/regressions/fuzz_onnx_import";
  int seen = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    SCOPED_TRACE(e.path().filename().string());
    expect_refused(e.path(), "");
    ++seen;
  }
  EXPECT_GE(seen, 3);
}

TEST_F(CliHostileModel, QuantizationScalesMustBePositiveAndFinite) {
  for (const auto& [name, must] :
       {std::pair{"qconv_output_scale_zero.onnx", "scale 0.000000 must be positive and finite"},
        std::pair{"qconv_weight_scale_nan.onnx", "scale nan must be positive and finite"}}) {
    expect_refused(
        fs::path(testing::source_dir_path()) / "tests/fuzz/regressions/fuzz_onnx_import" / name,
        must);
  }
}

}  // namespace
}  // namespace aimc::testing
