// Preprocessing per model: keras-mobilenet is today's pipeline byte for
// byte; torchvision and caffe against values worked out by hand; the JSON
// form's refusals; the sidecar beside the model; the fit check.
#include "models/data/preprocessing.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/error.h"
#include "models/data/input_tensor.h"
#include "models/data/preprocess.h"
#include "models/data/tiny_models.h"

namespace fs = std::filesystem;

namespace aimc::models {
namespace {

// 256×256, R = x, G = y, B = 7: the shorter-side resize to 256 is the
// identity and the 224 crop starts at (16, 16), so each value is known.
RgbImage gradient() {
  RgbImage img{256, 256, std::vector<uint8_t>(256 * 256 * 3)};
  for (int y = 0; y < 256; ++y)
    for (int x = 0; x < 256; ++x) {
      uint8_t* p = &img.pixels[(std::size_t(y) * 256 + x) * 3];
      p[0] = static_cast<uint8_t>(x);
      p[1] = static_cast<uint8_t>(y);
      p[2] = 7;
    }
  return img;
}

Tensor input_of(const RgbImage& img, const Preprocessing& p) {
  return input_from_pixels(preprocess_image(img, p).pixels, 1, p);
}

float nchw(const Tensor& t, int c, int y, int x) {
  return t.data<float>()[(c * t.dim(2) + y) * t.dim(3) + x];
}

class PreprocessingFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("aimc-preprocessing-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  std::string refusal(const std::string& json) const {
    const std::string path = write("p.json", json);
    try {
      load_preprocessing(path);
    } catch (const BadInput& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      return e.what();
    }
    return "accepted";
  }
  fs::path dir_;
};

TEST(Preprocessing, KerasPresetIsTodaysPipelineByteForByte) {
  const Preprocessing keras = preprocessing_preset("keras-mobilenet");
  EXPECT_TRUE(keras.is_keras_mobilenet());
  EXPECT_TRUE(Preprocessing{}.is_keras_mobilenet());
  RgbImage img{500, 375, std::vector<uint8_t>(500 * 375 * 3)};
  for (std::size_t i = 0; i < img.pixels.size(); ++i)
    img.pixels[i] = static_cast<uint8_t>((i * 7) % 251);
  const RgbImage crop = preprocess_image(img, keras);
  EXPECT_EQ(crop.pixels, preprocess_reference(img).pixels);
  // Every pixel value 0..255 in every channel position.
  std::vector<uint8_t> pixels(224 * 224 * 3 * 2);
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 31 + i / 7);
  const Tensor ours = input_from_pixels(pixels, 2, keras);
  const Tensor today = mobilenet_input_from_pixels(pixels, 2);
  ASSERT_EQ(ours.shape(), today.shape());
  EXPECT_EQ(0, std::memcmp(ours.raw(), today.raw(), today.byte_size()));
}

TEST(Preprocessing, TorchvisionByHand) {
  const Tensor t = input_of(gradient(), preprocessing_preset("torchvision"));
  ASSERT_EQ(t.shape(), (Shape{1, 3, 224, 224}));
  // (p / 255 - mean) / std: R = 16 at the crop's origin, G = 16 + 3 at row
  // 3, B = 7 everywhere.
  EXPECT_NEAR(nchw(t, 0, 0, 0), (16 / 255.0 - 0.485) / 0.229, 1e-5);  // -1.843908
  EXPECT_NEAR(nchw(t, 0, 0, 0), -1.843908, 1e-5);
  EXPECT_NEAR(nchw(t, 1, 3, 5), -1.703081, 1e-5);  // G = 19
  EXPECT_NEAR(nchw(t, 2, 9, 9), -1.682440, 1e-5);  // B = 7
  EXPECT_NEAR(nchw(t, 0, 0, 5), -1.758284, 1e-5);  // R = 21
}

TEST(Preprocessing, CaffeByHand) {
  const Tensor t = input_of(gradient(), preprocessing_preset("caffe"));
  ASSERT_EQ(t.shape(), (Shape{1, 3, 224, 224}));
  // BGR, minus the B, G, R means, no scaling.
  EXPECT_FLOAT_EQ(nchw(t, 0, 0, 0), 7 - 103.939f);   // B
  EXPECT_FLOAT_EQ(nchw(t, 1, 3, 0), 19 - 116.779f);  // G = 16 + 3
  EXPECT_FLOAT_EQ(nchw(t, 2, 0, 5), 21 - 123.68f);   // R = 16 + 5
}

TEST(Preprocessing, RawUint8InNhwcAndBgr) {
  Preprocessing p;
  p.resize = ResizePolicy::kExact;
  p.resize_height = 2;
  p.resize_width = 2;
  p.crop_height = p.crop_width = 0;
  p.layout = Layout::kNhwc;
  p.channels = ChannelOrder::kBgr;
  p.raw_uint8 = true;
  std::vector<uint8_t> pixels(12);
  for (int i = 0; i < 12; ++i) pixels[i] = static_cast<uint8_t>(i + 1);
  const Tensor t = input_from_pixels(pixels, 1, p);
  ASSERT_EQ(t.dtype(), DType::kUInt8);
  ASSERT_EQ(t.shape(), (Shape{1, 2, 2, 3}));
  const std::vector<uint8_t> want = {3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10};
  EXPECT_EQ(std::vector<uint8_t>(t.data<uint8_t>(), t.data<uint8_t>() + 12), want);
}

TEST_F(PreprocessingFiles, JsonFormStartsFromAPreset) {
  const Preprocessing p = load_preprocessing(
      write("tv.json", R"({"preset": "torchvision", "resize": "exact", "resize_size": [32, 48],
                     "crop": [16, 24], "layout": "nhwc", "std": 0.5})"));
  EXPECT_EQ(p.input_shape(1), (Shape{1, 16, 24, 3}));
  EXPECT_EQ(p.scale, 255.0f);
  EXPECT_EQ(p.mean[2], 0.406f);
  EXPECT_EQ(p.stddev[1], 0.5f);
  const nlohmann::json j = preprocessing_to_json(p);
  EXPECT_EQ(j["resize_size"], nlohmann::json({32, 48}));
  EXPECT_EQ(j["layout"], "nhwc");
}

TEST_F(PreprocessingFiles, JsonErrorsNameTheFileAndTheKey) {
  struct Case {
    std::string json, expect;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"resise": "exact"})", "unknown key 'resise'"},
           {R"({"preset": "imagenet"})", "key 'preset'"},
           {R"({"channels": "rbg"})", "key 'channels'"},
           {R"({"layout": 4})", "key 'layout'"},
           {R"({"mean": [1, 2]})", "key 'mean'"},
           {R"({"std": [1, 0, 1]})", "key 'std'"},
           {R"({"scale": -1})", "key 'scale'"},
           {R"({"crop": 2.5})", "key 'crop'"},
           {R"({"crop": 300})", "key 'crop'"},
           {R"({"resize_size": [256, 300]})", "key 'resize_size'"},
           {R"({"crop": 0})", "key 'crop'"},
           {R"({"dtype": "uint8", "mean": 0})", "key 'mean'"},
           {R"([1, 2])", "JSON object"},
       }) {
    EXPECT_NE(refusal(c.json).find(c.expect), std::string::npos)
        << c.json << ": " << refusal(c.json);
  }
  EXPECT_THROW(load_preprocessing("no-such-preset"), BadInput);
}

TEST_F(PreprocessingFiles, SidecarBesideTheModelIsUsedUnlessAnOptionIsGiven) {
  const std::string model = (dir_ / "net.onnx").string();
  EXPECT_EQ(preprocessing_sidecar_path(model), (dir_ / "net.preprocess.json").string());
  EXPECT_EQ(resolve_preprocessing("", model).origin, "default");
  write("net.preprocess.json", R"({"preset": "caffe"})");
  const Preprocessing side = resolve_preprocessing("", model);
  EXPECT_EQ(side.origin, "sidecar");
  EXPECT_EQ(side.name, (dir_ / "net.preprocess.json").string());
  EXPECT_EQ(side.channels, ChannelOrder::kBgr);
  const Preprocessing opt = resolve_preprocessing("torchvision", model);
  EXPECT_EQ(opt.origin, "--preprocess");
  EXPECT_EQ(opt.name, "torchvision");
}

TEST_F(PreprocessingFiles, CropThatDoesNotFitTheModelNamesBothShapes) {
  const std::string path = (dir_ / "tiny.onnx").string();
  testing::save_model(testing::tiny_classifier_model(8), path);
  ModelOptions float_mode;
  float_mode.mode = ExecMode::kFloat;
  const Model model = Model::load(path, float_mode);
  try {
    check_preprocessing_fits(Preprocessing{}, model);
    ADD_FAILURE() << "a 224 crop fits an 8x8 input";
  } catch (const BadInput& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("[-1,3,224,224]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[-1,3,8,8]"), std::string::npos) << msg;
  }
  Preprocessing p;
  p.resize = ResizePolicy::kExact;
  p.resize_height = p.resize_width = 8;
  p.crop_height = p.crop_width = 0;
  EXPECT_NO_THROW(check_preprocessing_fits(p, model));
}

}  // namespace
}  // namespace aimc::models
