// Layer dumps: file names from tensor names, the index and the refusal of
// a directory that already holds something.
#include "models/studies/layer_dump.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/error.h"
#include "support/onnx_builder.h"

namespace fs = std::filesystem;

namespace aimc::models {
namespace {
// A float model runs in float mode: digital mode refuses float nodes.
ModelOptions float_mode() {
  ModelOptions o;
  o.mode = ExecMode::kFloat;
  return o;
}
}  // namespace
namespace {

class LayerDump : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("aimc-layer-dump-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string proto;
    testing::single_node_model("Relu").SerializeToString(&proto);
    std::ofstream(dir_ / "relu.onnx", std::ios::binary) << proto;
  }
  void TearDown() override { fs::remove_all(dir_); }
  Model model() const { return Model::load((dir_ / "relu.onnx").string(), float_mode()); }
  fs::path dir_;
};

TEST(DumpFileName, KeepsSafeCharactersOnly) {
  EXPECT_EQ(dump_file_name("conv_1/Relu:0"), "conv_1_Relu_0.bin");
  EXPECT_EQ(dump_file_name("a-b.c"), "a-b.c.bin");
}

TEST_F(LayerDump, WritesFilesAndIndex) {
  const Model m = model();
  Tensor y(DType::kFloat32, Shape{1, 4});
  for (int i = 0; i < 4; ++i) y.data<float>()[i] = float(i);
  const std::string out = (dir_ / "dump").string();
  write_layer_dumps(out, m, {{"Y/0", y}});
  EXPECT_FALSE(fs::exists(out + ".partial"));
  EXPECT_EQ(fs::file_size(dir_ / "dump" / "Y_0.bin"), 16u);
  std::ifstream in(dir_ / "dump" / "index.json");
  const auto index = nlohmann::json::parse(in);
  ASSERT_EQ(index["layers"].size(), 1u);
  EXPECT_EQ(index["layers"][0]["name"], "Y/0");
  EXPECT_EQ(index["layers"][0]["file"], "Y_0.bin");
  EXPECT_EQ(index["layers"][0]["shape"], (std::vector<int64_t>{1, 4}));
  EXPECT_EQ(index["layers"][0]["layout"], "plain");
  EXPECT_EQ(tensor_bytes(y).size(), 16u);
}

TEST_F(LayerDump, RefusesADirectoryInUse) {
  fs::create_directories(dir_ / "used");
  std::ofstream(dir_ / "used" / "keep") << "x";
  EXPECT_THROW(write_layer_dumps((dir_ / "used").string(), model(), {}), BadInput);
  EXPECT_TRUE(fs::exists(dir_ / "used" / "keep"));
}

}  // namespace
}  // namespace aimc::models
