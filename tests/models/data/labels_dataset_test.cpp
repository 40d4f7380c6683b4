// Labels files and the three labelled-image sources.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/error.h"
#include "models/data/dataset.h"
#include "models/data/labels.h"
#include "support/shared_data.h"

namespace fs = std::filesystem;

namespace aimc::models {
namespace {

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("aimc-labels-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((path_ / rel).parent_path());
    std::ofstream(path_ / rel) << text;
  }

 private:
  fs::path path_;
};

Labels three_labels() { return Labels({"n01", "n02", "n03"}, {"tench", "goldfish", "shark"}); }

TEST(Labels, SharedImageNetLabels) {
  const Labels l = load_labels(testing::shared_path("models/labels.txt"));
  ASSERT_EQ(l.size(), 1000);
  EXPECT_EQ(l.synset(0), "n01440764");
  EXPECT_EQ(l.name(0), "tench");
  EXPECT_EQ(l.index_of("n01440764"), 0);
  EXPECT_EQ(l.index_of("n15075141"), 999);
  EXPECT_EQ(l.index_of("nope"), -1);
}

TEST(Labels, WrongLineCountIsRefusedNamingTheFile) {
  TempDir d;
  d.write("short.txt", "n01 a\nn02 b\n");
  try {
    load_labels((d.path() / "short.txt").string());
    FAIL() << "accepted a 2-line labels file";
  } catch (const BadInput& e) {
    EXPECT_NE(std::string(e.what()).find("short.txt"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("2 label lines"), std::string::npos) << e.what();
  }
}

TEST(Labels, DuplicateAndEmptyLinesAndMissingFileAreRefused) {
  TempDir d;
  d.write("dup.txt", "n01 a\nn01 b\nn03 c\n");
  d.write("empty_line.txt", "n01 a\n\nn03 c\n");
  EXPECT_THROW(load_labels((d.path() / "dup.txt").string(), 3), BadInput);
  EXPECT_THROW(load_labels((d.path() / "empty_line.txt").string(), 3), BadInput);
  EXPECT_THROW(load_labels((d.path() / "absent.txt").string(), 3), BadInput);
  d.write("ok.txt", "n01 a\r\nn02 b\r\nn03 c d\r\n");
  const Labels l = load_labels((d.path() / "ok.txt").string(), 3);
  EXPECT_EQ(l.name(2), "c d");
}

TEST(Dataset, SynsetPrefixedFileNames) {
  TempDir d;
  d.write("n02_goldfish.JPEG", "x");
  d.write("n01_tench.jpg", "x");
  d.write("notes.txt", "ignored: not an image");
  const auto images = discover_images(d.path().string(), three_labels());
  ASSERT_EQ(images.size(), 2u);
  EXPECT_EQ(fs::path(images[0].path).filename(), "n01_tench.jpg");
  EXPECT_EQ(images[0].class_index, 0);
  EXPECT_EQ(images[1].class_index, 1);
}

TEST(Dataset, UnknownSynsetPrefixIsRefusedNamingTheFile) {
  TempDir d;
  d.write("n99_mystery.png", "x");
  try {
    discover_images(d.path().string(), three_labels());
    FAIL();
  } catch (const BadInput& e) {
    EXPECT_NE(std::string(e.what()).find("n99_mystery.png"), std::string::npos) << e.what();
  }
}

TEST(Dataset, ImageFolderLayout) {
  TempDir d;
  d.write("n03/a.png", "x");
  d.write("n03/b.BMP", "x");
  d.write("n01/z.jpeg", "x");
  const auto images = discover_images(d.path().string(), three_labels());
  ASSERT_EQ(images.size(), 3u);
  EXPECT_EQ(images[0].class_index, 0);
  EXPECT_EQ(images[1].class_index, 2);
  EXPECT_EQ(images[2].class_index, 2);
}

TEST(Dataset, CsvWithHeaderAndRelativePaths) {
  TempDir d;
  d.write("list.csv", "file,index\nimgs/a.jpg,2\n/abs/b.png,0\n");
  const auto images = discover_images((d.path() / "list.csv").string(), three_labels());
  ASSERT_EQ(images.size(), 2u);
  EXPECT_EQ(images[0].path, (d.path() / "imgs/a.jpg").string());
  EXPECT_EQ(images[0].class_index, 2);
  EXPECT_EQ(images[1].path, "/abs/b.png");
}

TEST(Dataset, CsvBadLinesAreRefusedNamingTheLine) {
  TempDir d;
  d.write("bad.csv", "a.jpg,1\nb.jpg,7\n");
  try {
    discover_images((d.path() / "bad.csv").string(), three_labels());
    FAIL();
  } catch (const BadInput& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:2"), std::string::npos) << e.what();
  }
  d.write("garbage.csv", "a.jpg,1\nno comma here\n");
  EXPECT_THROW(discover_images((d.path() / "garbage.csv").string(), three_labels()), BadInput);
}

TEST(Dataset, MissingOrEmptySourceIsRefused) {
  TempDir d;
  EXPECT_THROW(discover_images((d.path() / "absent").string(), three_labels()), BadInput);
  EXPECT_THROW(discover_images(d.path().string(), three_labels()), BadInput);
}

TEST(Dataset, SharedSampleHasOneImagePerListedClass) {
  const Labels l = load_labels(testing::shared_path("models/labels.txt"));
  const auto images = discover_images(testing::shared_path("data/imagenet-sample"), l);
  ASSERT_EQ(images.size(), 800u);
  for (std::size_t i = 1; i < images.size(); ++i)
    EXPECT_LT(images[i - 1].class_index, images[i].class_index);
}

}  // namespace
}  // namespace aimc::models
