// A model's input from a file: raw crops, raw tensors of the model's own
// input shape, raw float batches, and the fixed synthetic batch.
#include "models/data/input_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

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

class InputFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("aimc-input-files-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& bytes) const {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
    return (dir_ / name).string();
  }
  Model relu_model() const {  // X[1,4] -> Relu -> Y[1,4]
    std::string proto;
    testing::single_node_model("Relu").SerializeToString(&proto);
    return Model::load(write("relu.onnx", proto), float_mode());
  }
  fs::path dir_;
};

TEST_F(InputFiles, U8CropIsTheReferenceInput) {
  const Tensor t =
      load_model_input(write("a.u8", std::string(224 * 224 * 3, '\xff')), relu_model());
  EXPECT_EQ(t.shape(), (Shape{1, 3, 224, 224}));
  EXPECT_EQ(t.data<float>()[0], 255.0f / 127.5f - 1.0f);
}

TEST_F(InputFiles, WrongSizesNameTheFile) {
  const Model m = relu_model();
  for (const auto& [name, bytes] : std::vector<std::pair<std::string, std::string>>{
           {"short.u8", std::string(10, '\0')}, {"short.f32", std::string(12, '\0')}}) {
    const std::string path = write(name, bytes);
    try {
      load_model_input(path, m);
      ADD_FAILURE() << name << " accepted";
    } catch (const BadInput& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(read_raw_batch(write("b.raw", std::string(7, '\0')), 1), BadInput);
  EXPECT_THROW(read_raw_batch((dir_ / "missing.raw").string(), 1), BadInput);
}

TEST_F(InputFiles, F32HasTheModelInputShape) {
  const float v[4] = {1.5f, -2.0f, 0.0f, 3.25f};
  const Tensor t = load_model_input(
      write("x.f32", std::string(reinterpret_cast<const char*>(v), sizeof v)), relu_model());
  EXPECT_EQ(t.shape(), (Shape{1, 4}));
  EXPECT_EQ(t.data<float>()[3], 3.25f);
}

TEST_F(InputFiles, RawBatchAndSyntheticBatch) {
  const std::string bytes(2 * 3 * 224 * 224 * sizeof(float), '\0');
  EXPECT_EQ(read_raw_batch(write("b.raw", bytes), 2).shape(), (Shape{2, 3, 224, 224}));
  const Tensor a = synthetic_batch(2), b = synthetic_batch(2);
  EXPECT_EQ(a.shape(), (Shape{2, 3, 224, 224}));
  EXPECT_EQ(0, std::memcmp(a.raw(), b.raw(), a.byte_size()));  // the same on every run
}

}  // namespace
}  // namespace aimc::models
