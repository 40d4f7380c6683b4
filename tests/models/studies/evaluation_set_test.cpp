// The images an accuracy is reported on: the calibration split of the image
// directory is left out when calibration draws from that same directory
// (under any spelling), in path order, before --limit counts; calibration
// from anywhere else (another directory, a file) leaves out nothing.
#include "models/studies/evaluation_set.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/error.h"
#include "support/cli_runner.h"

namespace fs = std::filesystem;

namespace aimc::models {
namespace {

class EvaluationSetTest : public ::testing::Test {
 protected:
  // 20 images "nKK_image.png" of class K, so that K is the path order.
  void SetUp() override {
    for (int k = 0; k < 20; ++k) touch("images", k);
    for (int k = 0; k < 4; ++k) touch("other", k);
  }
  void touch(const std::string& folder, int k) const {
    fs::create_directories(dir_ / folder);
    std::ofstream(dir_ / folder / (synset(k) + "_image.png")) << "";
  }
  static std::string synset(int k) { return (k < 10 ? "n0" : "n") + std::to_string(k); }
  static Labels twenty_labels() {
    std::vector<std::string> synsets, names;
    for (int k = 0; k < 20; ++k) {
      synsets.push_back(synset(k));
      names.push_back("class " + std::to_string(k));
    }
    return Labels(synsets, names);
  }
  std::string images() const { return (dir_ / "images").string(); }
  // The path-order position of each image (its class).
  static std::vector<int> numbers(const EvaluationSet& set) {
    std::vector<int> out;
    for (const auto& im : set.images) out.push_back(im.class_index);
    return out;
  }
  EvaluationSet of(const std::string& calibration, int every = 8, int limit = 0) const {
    return evaluation_set({images(), calibration, every, limit}, labels_);
  }

  testing::ScratchDir dir_{"evalset"};
  Labels labels_ = twenty_labels();
};

TEST_F(EvaluationSetTest, TheSameDirectoryLeavesItsCalibrationSplitOut) {
  const EvaluationSet set = of(images());
  EXPECT_EQ(numbers(set), (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 17, 18,
                                            19}));  // 0, 8 and 16 calibrate
  EXPECT_EQ(
      set.calibration_split,
      (nlohmann::json{
          {"source", images()}, {"every", 8}, {"images", 3}, {"excluded_from_evaluation", true}}));
  EXPECT_EQ(set.note, " (every 8th image of " + images() + " is kept for calibration)");
  EXPECT_EQ(numbers(of(images(), 3)),
            (std::vector<int>{1, 2, 4, 5, 7, 8, 10, 11, 13, 14, 16, 17, 19}));
}

TEST_F(EvaluationSetTest, LimitCountsEvaluationImages) {
  EXPECT_EQ(numbers(of(images(), 8, 9)), (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 9, 10}));
  EXPECT_EQ(of(images(), 8, 100).images.size(), 17u);
}

TEST_F(EvaluationSetTest, AnotherSpellingOfTheDirectoryIsTheSameDirectory) {
  const std::string spelled = (dir_ / "other" / ".." / "images").string() + "/";
  const EvaluationSet set = of(spelled);
  EXPECT_EQ(set.images.size(), 17u);
  EXPECT_EQ(set.calibration_split["source"], spelled);
}

TEST_F(EvaluationSetTest, CalibrationElsewhereLeavesOutNothing) {
  const EvaluationSet other = of((dir_ / "other").string());
  EXPECT_EQ(other.images.size(), 20u);
  EXPECT_TRUE(other.note.empty());
  // Calibration still draws from the other directory's split, recorded.
  EXPECT_EQ(other.calibration_split["images"], 1);  // 1 of its 4 images
  EXPECT_EQ(other.calibration_split["excluded_from_evaluation"], false);
  // An image file (even one of the evaluated images), a .npy or nothing.
  for (const std::string& file :
       {images() + "/n00_image.png", (dir_ / "cal.npy").string(), (dir_ / "missing").string()}) {
    const EvaluationSet set = of(file);
    EXPECT_EQ(set.images.size(), 20u) << file;
    EXPECT_TRUE(set.calibration_split.is_null()) << file;
  }
}

TEST_F(EvaluationSetTest, NothingLeftToEvaluateIsBadInputNamingTheImages) {
  fs::remove_all(dir_ / "images");
  touch("images", 0);
  try {
    of(images());
    ADD_FAILURE() << "evaluated on no image";
  } catch (const BadInput& e) {
    EXPECT_NE(std::string(e.what()).find(images()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--calibration"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace aimc::models

namespace aimc::models {
namespace {

// The other side, for searches: exactly the split, in path order, limited.
TEST_F(EvaluationSetTest, TheCalibrationSplitSetIsExactlyTheSplit) {
  const EvaluationSet split = calibration_split_set({"", images(), 8, 0}, labels_);
  EXPECT_EQ(numbers(split), (std::vector<int>{0, 8, 16}));
  EXPECT_EQ(split.calibration_split["images"], 3);
  EXPECT_EQ(numbers(calibration_split_set({"", images(), 5, 2}, labels_)),
            (std::vector<int>{0, 5}));
  // Disjoint from what the same directory evaluates.
  for (int k : numbers(of(images()))) EXPECT_NE(k % 8, 0) << k;
  const std::string file = (dir_ / "images" / "n00_image.png").string();
  try {
    calibration_split_set({"", file, 8, 0}, labels_);
    FAIL() << "a file has no calibration split";
  } catch (const BadInput& e) {
    EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace aimc::models
