// Calibrated ADC ranges from tensors: a .npy of N samples or a folder of
// .npy files calibrates a non-image model (a float MLP); samples that do
// not fit the model input are refused naming both shapes. Calibration
// images come from a directory's calibration split.
#include "models/studies/calibration.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "models/data/npy.h"
#include "models/data/tiny_models.h"

namespace fs = std::filesystem;

namespace aimc::models {
namespace {

class Calibration : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("aimc-calibration-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "set");
    testing::save_model(testing::mlp_model(), (dir_ / "mlp.onnx").string());
  }
  void TearDown() override { fs::remove_all(dir_); }

  Model analog_mlp() const {
    ModelOptions o;
    o.mode = ExecMode::kAnalog;
    o.analog = load_analog_config("ima-paper");
    return Model::load((dir_ / "mlp.onnx").string(), o);
  }
  static Tensor samples(Shape shape, DType dtype = DType::kFloat32) {
    Tensor t(dtype, std::move(shape));
    if (dtype == DType::kFloat32)
      for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = float((i * 37) % 23) / 11 - 1;
    return t;
  }
  std::string save(const std::string& name, const Tensor& t) const {
    std::ofstream(dir_ / name, std::ios::binary) << npy_bytes(t);
    return (dir_ / name).string();
  }
  fs::path dir_;
};

TEST_F(Calibration, NpyFileCalibratesAFloatMlp) {
  Model model = analog_mlp();
  ASSERT_TRUE(model.needs_calibration());
  const std::string file = save("calib.npy", samples({20, 16}));
  EXPECT_TRUE(is_tensor_calibration_source(file));
  const auto used = calibrate_on_images(model, file, 8, 1);
  EXPECT_EQ(used, std::vector<std::string>{file});
  EXPECT_EQ(model.adc_calibration().layers().size(), 2u);  // both Gemms
  // The first 8 samples: the same ranges as an 8-sample file.
  Model again = analog_mlp();
  const Tensor twenty = samples({20, 16});
  Tensor eight(DType::kFloat32, {8, 16});
  std::copy(twenty.data<float>(), twenty.data<float>() + 8 * 16, eight.data<float>());
  calibrate_on_images(again, save("eight.npy", eight), 8, 1);
  EXPECT_EQ(nlohmann::json(model.adc_calibration().layers()),
            nlohmann::json(again.adc_calibration().layers()));
}

TEST_F(Calibration, FolderOfNpyFilesInPathOrder) {
  const Model model = analog_mlp();
  save("set/a.npy", samples({16}));     // one sample
  save("set/b.npy", samples({3, 16}));  // three
  save("set/c.npy", samples({5, 16}));
  std::vector<std::string> used;
  const Tensor batch = calibration_tensors((dir_ / "set").string(), 6, model, &used);
  EXPECT_EQ(batch.shape(), (Shape{6, 16}));
  EXPECT_EQ(used.size(), 3u);
  EXPECT_TRUE(is_tensor_calibration_source((dir_ / "set").string()));
}

// From a directory of images, calibration takes the first N images of its
// calibration split (every 8th in path order by default), all of them when
// the split is smaller; an image file is itself the set.
TEST_F(Calibration, ImagesComeFromTheCalibrationSplit) {
  std::vector<std::string> files;
  for (int i = 0; i < 20; ++i) {
    files.push_back((dir_ / "set" / ("img" + std::to_string(100 + i) + ".png")).string());
    std::ofstream(files.back()) << "";  // only the names are read here
  }
  const std::string set = (dir_ / "set").string();
  EXPECT_EQ(calibration_images(set, 2), (std::vector<std::string>{files[0], files[8]}));
  EXPECT_EQ(calibration_images(set, 10),
            (std::vector<std::string>{files[0], files[8], files[16]}));  // the whole split
  EXPECT_EQ(calibration_images(set, 3, 3),
            (std::vector<std::string>{files[0], files[3], files[6]}));
  EXPECT_EQ(calibration_images(files[5], 8), std::vector<std::string>{files[5]});
  EXPECT_THROW(calibration_images((dir_ / "missing").string(), 8), BadInput);
}

TEST_F(Calibration, SamplesThatDoNotFitNameBothShapes) {
  const Model model = analog_mlp();
  for (const auto& [name, t] :
       std::vector<std::pair<std::string, Tensor>>{{"narrow.npy", samples({10, 8})},
                                                   {"ints.npy", samples({10, 16}, DType::kInt32)},
                                                   {"rank.npy", samples({2, 10, 16})}}) {
    const std::string file = save(name, t);
    try {
      calibration_tensors(file, 8, model);
      ADD_FAILURE() << name << " accepted";
    } catch (const BadInput& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(file), std::string::npos) << msg;
      EXPECT_NE(msg.find(shape_str(t.shape())), std::string::npos) << msg;
      EXPECT_NE(msg.find("[-1,16]"), std::string::npos) << msg;
    }
  }
}

}  // namespace
}  // namespace aimc::models
