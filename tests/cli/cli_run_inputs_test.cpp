// `aimc run` with named inputs and .npy files: a two-input float Add, an
// int64 input, .npy outputs (first, or every output into a folder), and
// refusals naming the input, the file and both shapes.
#include <gtest/gtest.h>

#include "models/data/npy.h"
#include "models/data/tiny_models.h"
#include "support/cli_runner.h"

namespace aimc::testing {
namespace {

namespace fs = std::filesystem;

class CliRunInputs : public ::testing::Test {
 protected:
  ScratchDir dir{"run-inputs"};
  std::string path(const std::string& name) const { return (dir / name).string(); }
  std::string npy(const std::string& name, const Tensor& t) const {
    write_bytes(dir / name, models::npy_bytes(t));
    return path(name);
  }
  std::string model(const std::string& name, const onnx::ModelProto& m) const {
    save_model(m, path(name));
    return path(name);
  }
  CliResult run(const std::string& args, const std::string& mode = "float") const {
    return run_aimc("run --threads 1 --mode " + mode + " " + args, dir.path());
  }
};

Tensor floats(Shape shape, float start) {
  Tensor t(DType::kFloat32, std::move(shape));
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = start + float(i);
  return t;
}

TEST_F(CliRunInputs, TwoNamedInputsAndNpyOutput) {
  const std::string m = model("add.onnx", two_input_add_model());
  const std::string a = npy("a.npy", floats({2, 4}, 1)), b = npy("b.npy", floats({2, 4}, 100));
  const CliResult r = run("--model '" + m + "' --input B='" + b + "' --input A='" + a +
                          "' --output '" + path("c.npy") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Tensor c = models::read_npy_file(path("c.npy"));
  ASSERT_EQ(c.shape(), (Shape{2, 4}));
  for (int64_t i = 0; i < 8; ++i) EXPECT_EQ(c.data<float>()[i], 101.0f + 2 * i);
  // Raw bytes without .npy, as before; every output into a folder.
  ASSERT_EQ(run("--model '" + m + "' --input A='" + a + "' --input B='" + b + "' --output '" +
                path("c.bin") + "' --outputs-dir '" + path("outs") + "'")
                .exit_code,
            0);
  EXPECT_EQ(slurp(path("c.bin")).size(), 32u);
  EXPECT_EQ(models::read_npy_file(path("outs/C.npy")).shape(), (Shape{2, 4}));
}

TEST_F(CliRunInputs, InputsThatDoNotFitAreRefusedNamingBothShapes) {
  const std::string m = model("add.onnx", two_input_add_model());
  const std::string a = npy("a.npy", floats({2, 4}, 1));
  const std::string wide = npy("wide.npy", floats({2, 5}, 1));
  const std::string b3 = npy("b3.npy", floats({3, 4}, 1));
  struct Case {
    std::string args, expect1, expect2;
  };
  for (const Case& c : std::vector<Case>{
           {"--input A='" + a + "' --input B='" + wide + "'", "input 'B'", "[2,5]"},
           {"--input A='" + a + "' --input B='" + wide + "'", wide, "[-1,4]"},
           {"--input A='" + a + "'", "no file for model input 'B'", "A, B"},
           {"--input '" + a + "'", "NAME=FILE", "A, B"},
           {"--input A='" + a + "' --input Q='" + a + "'", "no input named 'Q'", "A, B"},
           {"--input A='" + a + "' --input A='" + a + "'", "given twice", "'A'"},
           {"--input A='" + a + "' --input B='" + b3 + "'", "batch 3", "batch 2"},
       }) {
    const CliResult r = run("--model '" + m + "' " + c.args + " --output '" + path("o.npy") + "'");
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.expect1), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.expect2), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(path("o.npy")));
  }
}

TEST_F(CliRunInputs, Int64InputsReachTheModelAsInt64) {
  const std::string m = model("ids.onnx", int64_transpose_model());
  Tensor ids(DType::kInt64, {1, 2, 3});
  for (int64_t i = 0; i < 6; ++i) ids.data<int64_t>()[i] = 1000000000000 + i;
  const CliResult r = run("--model '" + m + "' --input ids='" + npy("ids.npy", ids) +
                          "' --outputs-dir '" + path("outs") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Tensor y = models::read_npy_file(path("outs/Y.npy"));
  ASSERT_EQ(y.dtype(), DType::kInt64);
  ASSERT_EQ(y.shape(), (Shape{1, 3, 2}));
  EXPECT_EQ(y.data<int64_t>()[1], 1000000000003);  // Y[0,0,1] = ids[0,1,0]
  // Token ids as int32 or float do not fit an int64 input.
  Tensor as_int32(DType::kInt32, {1, 2, 3});
  const std::string f = npy("ids32.npy", as_int32);
  const CliResult bad =
      run("--model '" + m + "' --input '" + f + "' --output '" + path("o.npy") + "'");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("int32 [1,2,3]"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("int64 [-1,2,3]"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("'ids'"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find(f), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(path("o.npy")));
}

TEST_F(CliRunInputs, AnalogMlpCalibratedFromNpy) {
  const std::string m = model("mlp.onnx", mlp_model());
  const std::string x = npy("x.npy", floats({1, 16}, -8));
  const std::string calib = npy("calib.npy", floats({10, 16}, -80));
  const std::string args = "--model '" + m + "' --analog ima-paper --input '" + x + "' --output '" +
                           path("y.npy") + "' --calibration ";
  const CliResult r = run(args + "'" + calib + "'", "analog");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(models::read_npy_file(path("y.npy")).shape(), (Shape{1, 4}));
  // Samples of another width: exit 2, both shapes named, nothing written.
  fs::remove(path("y.npy"));
  const std::string narrow = npy("narrow.npy", floats({10, 8}, 0));
  const CliResult bad = run(args + "'" + narrow + "'", "analog");
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("[8]"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("[-1,16]"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(path("y.npy")));
  // The default calibration set is images, which an MLP cannot take.
  const CliResult images = run(
      "--model '" + m + "' --analog ima-paper --input '" + x + "' --output '" + path("y.npy") + "'",
      "analog");
  EXPECT_EQ(images.exit_code, 2) << images.err;
  EXPECT_NE(images.err.find("[-1,16]"), std::string::npos) << images.err;
  EXPECT_NE(images.err.find(".npy"), std::string::npos) << images.err;
}

}  // namespace
}  // namespace aimc::testing
