// The CLI finds the shared model, labels and images without flags; the
// environment overrides them; a missing default is a clear exit-2 message.
#include <gtest/gtest.h>

#include "support/cli_runner.h"
#include "support/shared_data.h"

namespace aimc::testing {
namespace {

TEST(CliDefaults, FindsTheSharedModelAndImagesWithoutFlags) {
  ScratchDir dir("defaults");
  const CliResult r = run_aimc("eval --limit 2", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("mobilenetv2_int8_qdq.onnx"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("images  2"), std::string::npos) << r.out;
}

TEST(CliDefaults, MissingSharedDirectoryIsAClearError) {
  ScratchDir dir("noshared");
  const std::string missing = (dir / "no-such-shared").string();
  const CliResult r = run_aimc("eval --limit 2", dir.path(), "AIMC_SHARED_DIR=" + missing);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(missing), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("AIMC_SHARED_DIR"), std::string::npos) << r.err;
}

TEST(CliDefaults, EnvironmentOverridesTheModel) {
  ScratchDir dir("envmodel");
  const auto bogus = dir / "bogus.onnx";
  write_bytes(bogus, "this is not a model");
  const CliResult r = run_aimc("eval --limit 1", dir.path(), "AIMC_MODEL=" + bogus.string());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("bogus.onnx"), std::string::npos) << r.err;
  // --model beats the environment.
  const CliResult ok = run_aimc("eval --limit 1 --model '" + qdq_model_path() + "'", dir.path(),
                                "AIMC_MODEL=" + bogus.string());
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

}  // namespace
}  // namespace aimc::testing
