// Digital and analog mode never compute a node in float unasked: `run` on a
// float model in digital mode is refused naming the node (exit 2, no
// output); with --allow-float it runs and says which nodes ran in float.
#include <gtest/gtest.h>

#include "models/data/npy.h"
#include "models/data/tiny_models.h"
#include "support/cli_runner.h"

namespace aimc::testing {
namespace {

TEST(CliHonestModes, FloatNodesAreRefusedUnlessAllowedAndThenListed) {
  ScratchDir dir{"honest-modes"};
  const std::string model = (dir / "add.onnx").string();
  save_model(two_input_add_model(), model);
  Tensor a(DType::kFloat32, {2, 4});
  write_bytes(dir / "a.npy", models::npy_bytes(a));
  const std::string common = "run --threads 1 --model '" + model + "' --input A='" +
                             (dir / "a.npy").string() + "' --input B='" + (dir / "a.npy").string() +
                             "' --output '" + (dir / "c.npy").string() + "'";
  const CliResult refused = run_aimc(common + " --mode digital", dir.path());
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("would run in float"), std::string::npos) << refused.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "c.npy"));
  const CliResult allowed = run_aimc(common + " --mode digital --allow-float", dir.path());
  ASSERT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_NE(allowed.err.find("1 node(s) run in float in digital mode"), std::string::npos)
      << allowed.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "c.npy"));
}

}  // namespace
}  // namespace aimc::testing
