// The calibration split of an image directory: in path order, image i
// calibrates iff i % every == 0; the split of the shared images is the 100
// images whose TFLite reference crops are in ../shared/reference; two
// spellings of one directory (or of one file) are recognised as the same.
#include "models/data/calibration_split.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "engine/error.h"
#include "support/cli_runner.h"
#include "support/shared_data.h"

namespace fs = std::filesystem;

namespace aimc::models {
namespace {

class CalibrationSplit : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(dir_ / "set"); }
  // An empty file: the split only lists names.
  std::string touch(const std::string& rel) const {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << "";
    return (dir_ / rel).string();
  }
  std::string set() const { return (dir_ / "set").string(); }
  testing::ScratchDir dir_{"split"};
};

TEST(InCalibrationSplit, EveryEthIndexFromTheFirst) {
  for (std::size_t i : {0u, 8u, 16u, 800u}) EXPECT_TRUE(in_calibration_split(i, 8)) << i;
  for (std::size_t i : {1u, 7u, 9u, 799u}) EXPECT_FALSE(in_calibration_split(i, 8)) << i;
  EXPECT_TRUE(in_calibration_split(4, 2));
  EXPECT_FALSE(in_calibration_split(3, 2));
  EXPECT_THROW(in_calibration_split(0, 1), std::invalid_argument);
  EXPECT_THROW(in_calibration_split(0, 0), std::invalid_argument);
}

TEST_F(CalibrationSplit, EveryEthImageInPathOrderWithSubfoldersAndNoOtherFiles) {
  std::vector<std::string> images;
  // Written out of order; sorted by path, "a/..." comes before "img...".
  for (int i = 19; i >= 0; --i) touch("set/img" + std::to_string(100 + i) + ".png");
  for (const char* name : {"notes.txt", "cal.npy"}) touch(std::string("set/") + name);
  touch("set/a/sub.JPG");
  EXPECT_EQ(calibration_split(set(), 8),
            (std::vector<std::string>{set() + "/a/sub.JPG", set() + "/img107.png",
                                      set() + "/img115.png"}));
  EXPECT_EQ(calibration_split(set(), 10),
            (std::vector<std::string>{set() + "/a/sub.JPG", set() + "/img109.png",
                                      set() + "/img119.png"}));
  EXPECT_EQ(calibration_split(set(), 2).size(), 11u);  // of 21 images
}

TEST_F(CalibrationSplit, AFolderWithoutImagesHasAnEmptySplitAndAMissingOneIsBadInput) {
  touch("set/cal.npy");
  EXPECT_TRUE(calibration_split(set(), 8).empty());
  EXPECT_THROW(calibration_split((dir_ / "missing").string(), 8), BadInput);
}

// The shared data's TFLite reference crops are every 8th image in class
// order: exactly the default calibration split, so the images evaluated by
// default are the 700 without a reference crop.
TEST(CalibrationSplitShared, IsTheImagesOfTheReferenceCrops) {
  const auto split = calibration_split(testing::shared_path("data/imagenet-sample"), 8);
  const auto reference = nlohmann::json::parse(
      testing::read_binary<char>(testing::shared_path("reference/images.json")));
  ASSERT_EQ(split.size(), 100u);
  ASSERT_EQ(reference.size(), 100u);
  for (std::size_t i = 0; i < split.size(); ++i)
    EXPECT_EQ(fs::path(split[i]).filename(), reference[i]["file"].get<std::string>()) << i;
}

TEST_F(CalibrationSplit, SameDirectoryUnderAnotherSpellingOrASymlink) {
  touch("set/x.png");
  touch("other/y.png");
  fs::create_directory_symlink(dir_ / "set", dir_ / "link");
  EXPECT_TRUE(is_same_directory(set(), set()));
  EXPECT_TRUE(is_same_directory(set(), (dir_ / "other" / ".." / "set").string()));
  EXPECT_TRUE(is_same_directory(set() + "/", (dir_ / "link").string()));
  EXPECT_FALSE(is_same_directory(set(), (dir_ / "other").string()));
  EXPECT_FALSE(is_same_directory(set(), (dir_ / "missing").string()));
  EXPECT_FALSE(is_same_directory(set() + "/x.png", set() + "/x.png"));  // a file
}

TEST_F(CalibrationSplit, WithoutFilesComparesCanonicalPaths) {
  const std::string a = touch("set/a.png"), b = touch("set/b.png"), c = touch("set/c.png");
  const std::vector<LabeledImage> images = {{a, 0}, {b, 1}, {c, 2}};
  const auto kept = without_files(images, {(dir_ / "other" / ".." / "set" / "b.png").string()});
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].path, a);
  EXPECT_EQ(kept[1].path, c);
  EXPECT_EQ(kept[1].class_index, 2);
  EXPECT_EQ(without_files(images, {}).size(), 3u);
}

TEST(CalibrationSplitNote, NamesTheDirectoryAndTheOrdinal) {
  EXPECT_EQ(calibration_split_note("d", 8), "every 8th image of d is kept for calibration");
  for (const auto& [every, word] : std::vector<std::pair<int, std::string>>{
           {2, "2nd"}, {3, "3rd"}, {11, "11th"}, {12, "12th"}, {21, "21st"}, {22, "22nd"}})
    EXPECT_NE(calibration_split_note("d", every).find("every " + word + " "), std::string::npos);
}

}  // namespace
}  // namespace aimc::models
