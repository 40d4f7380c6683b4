// Sweeps and layer sensitivity make their inputs with the preprocessing
// they are given, as evaluate() does: on the same images their top-1 equals
// evaluate()'s with that preprocessing, their calibration images get it too,
// and one that does not fit the model is refused naming both shapes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>

#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "models/data/tiny_models.h"
#include "models/studies/evaluate.h"
#include "models/studies/sensitivity.h"
#include "models/studies/sweep_runner.h"
#include "support/png_writer.h"
#include "support/shared_data.h"

namespace fs = std::filesystem;

namespace aimc::models {
namespace {

int argmax(const std::vector<float>& v) {
  // The first of equal scores: topk's tie rule (lower class index).
  return static_cast<int>(std::max_element(v.begin(), v.end()) - v.begin());
}

// The images, each labelled with the class `model` gives it under `p`: a
// study using `p` scores top-1 = 1, one ignoring it (most likely) less.
std::vector<LabeledImage> labelled_by(const Model& model, std::vector<std::string> paths,
                                      const Preprocessing& p) {
  const auto scores = image_scores(model, paths, p, 2);
  std::vector<LabeledImage> images;
  for (std::size_t i = 0; i < paths.size(); ++i) images.push_back({paths[i], argmax(scores[i])});
  return images;
}

double evaluated_top1(const std::string& model_path, const std::vector<LabeledImage>& images,
                      const Preprocessing& p) {
  const Classifier classifier(Model::load(model_path, {}), p);
  const EvalResult r = evaluate(classifier, images, {3, 2});
  return double(r.top1) / r.images;
}

SweepGrid one_point_grid(const nlohmann::json& analog) {
  return sweep_grid_from_json({{"analog", analog}, {"grid", {{"t_inf", {0}}}}, {"seeds", 1}},
                              "grid.json");
}

SweepSetup sweep_setup(const std::string& model_path, const Preprocessing& p,
                       const std::string& calibration = "") {
  SweepSetup s;
  s.model_path = model_path;
  s.calibration = calibration;
  s.threads = 2;
  s.batch = 3;  // a short last batch: crops found by their size
  s.preprocessing = p;
  return s;
}

SensitivitySetup sensitivity_setup(const AnalogConfig& analog, const Preprocessing& p,
                                   const std::string& calibration = "") {
  SensitivitySetup s;
  s.analog = analog;
  s.calibration = calibration;
  s.threads = 2;
  s.batch = 3;
  s.preprocessing = p;
  return s;
}

// The shared int8 MobileNetV2 with torchvision's normalisation: the ideal
// analog preset equals digital bit for bit, so the sweep's top-1 is the
// digital one too.
TEST(StudyPreprocessing, SweepAndSensitivityTop1EqualEvaluateWithTorchvision) {
  const std::string model_path = testing::qdq_model_path();
  const Preprocessing torch = preprocessing_preset("torchvision");
  std::vector<std::string> paths;
  for (const auto& e : fs::directory_iterator(testing::shared_path("data/imagenet-sample")))
    paths.push_back(e.path().string());
  std::sort(paths.begin(), paths.end());
  paths.resize(4);  // the 3rd has another class under keras-mobilenet
  const Model digital = Model::load(model_path, {});
  const auto images = labelled_by(digital, paths, torch);
  ASSERT_EQ(evaluated_top1(model_path, images, torch), 1.0);
  // Keras bytes give other classes here, so ignoring `torch` would fail below.
  const double keras_top1 = evaluated_top1(model_path, images, Preprocessing{});
  ASSERT_LT(keras_top1, 1.0);

  SweepRunner runner(one_point_grid("ideal"), sweep_setup(model_path, torch), images);
  EXPECT_EQ(runner.run_item(0)["top1"].get<double>(), 1.0);
  SweepRunner keras(one_point_grid("ideal"), sweep_setup(model_path, {}), images);
  EXPECT_EQ(keras.run_item(0)["top1"].get<double>(), keras_top1);

  const LayerSensitivity study(model_path, images,
                               sensitivity_setup(analog_preset("ideal"), torch));
  EXPECT_EQ(study.digital_top1(), 1.0);
}

// A tiny 8×8 classifier: crops of 8×8×3 bytes (not 224×224×3), and
// calibrated ADC ranges whose calibration images must get the same
// preprocessing (keras-mobilenet's 224 crops would not fit the model).
class TinyStudyPreprocessing : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("aimc-study-preprocessing-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "images");
    testing::save_model(testing::tiny_classifier_model(8), model_path());
    std::vector<std::string> paths;
    for (int i = 0; i < 8; ++i) {
      std::vector<uint16_t> samples(12 * 10 * 3);
      for (std::size_t k = 0; k < samples.size(); ++k)
        samples[k] = static_cast<uint16_t>((k * (7 + i) + 31 * i) % 256);
      const fs::path path = dir_ / "images" / ("img" + std::to_string(i) + ".png");
      std::ofstream(path, std::ios::binary) << testing::encode_png(12, 10, 3, 8, samples);
      paths.push_back(path.string());
    }
    prep_ = preprocessing_from_json(
        {{"preset", "torchvision"}, {"resize", "exact"}, {"resize_size", 8}, {"crop", 0}},
        "exact8.json");
    images_ = labelled_by(Model::load(model_path(), float_options()), paths, prep_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string model_path() const { return (dir_ / "tiny.onnx").string(); }
  std::string calibration() const { return (dir_ / "images").string(); }
  static ModelOptions float_options() {
    ModelOptions o;
    o.mode = ExecMode::kFloat;
    return o;
  }
  static nlohmann::json calibrated() {
    return {{"preset", "ideal"},
            {"adc_bits", 8},
            {"adc_range", "calibrated"},
            {"calibration_images", 2}};
  }

  fs::path dir_;
  Preprocessing prep_;
  std::vector<LabeledImage> images_;
};

TEST_F(TinyStudyPreprocessing, CropsOfItsSizeAndCalibrationWithIt) {
  const Classifier classifier(Model::load(model_path(), float_options()), prep_);
  EXPECT_EQ(evaluate(classifier, images_, {3, 2}).top1, 8);

  SweepRunner runner(one_point_grid(calibrated()), sweep_setup(model_path(), prep_, calibration()),
                     images_);
  const nlohmann::json result = runner.run_item(0);
  EXPECT_EQ(result["images"], 8);
  EXPECT_EQ(runner.calibration_runs(), 1);

  const AnalogConfig analog = analog_config_from_json(calibrated(), "calibrated");
  const LayerSensitivity study(model_path(), images_,
                               sensitivity_setup(analog, prep_, calibration()));
  ASSERT_EQ(study.layers().size(), 1u);  // the Gemm
  // (A float model has no digital top-1: digital mode refuses it.)
  const auto costs = study.costs(1.0);
  ASSERT_EQ(costs.size(), 1u);
  EXPECT_EQ(costs[0].drop, 1.0 - costs[0].top1);
}

TEST_F(TinyStudyPreprocessing, OneThatDoesNotFitTheModelIsRefusedNamingBothShapes) {
  for (const auto& run : std::vector<std::function<void()>>{
           [&] { SweepRunner(one_point_grid("ideal"), sweep_setup(model_path(), {}), images_); },
           [&] {
             LayerSensitivity(model_path(), images_, sensitivity_setup(analog_preset("ideal"), {}));
           }}) {
    try {
      run();
      ADD_FAILURE() << "keras-mobilenet's 224 crops were taken by an 8x8 model";
    } catch (const BadInput& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("[-1,3,224,224]"), std::string::npos) << what;
      EXPECT_NE(what.find("[-1,3,8,8]"), std::string::npos) << what;
    }
  }
}

}  // namespace
}  // namespace aimc::models
