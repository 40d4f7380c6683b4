// Result files are replaced whole: the new bytes or, on failure, the old
// file untouched and no temporary left behind.
#include "models/studies/output_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/error.h"

namespace fs = std::filesystem;

namespace aimc::models {
namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class OutputFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("aimc-output-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(OutputFile, WritesAndReplaces) {
  const std::string path = (dir_ / "r.json").string();
  write_file_atomically(path, "first");
  EXPECT_EQ(read(path), "first");
  write_file_atomically(path, std::string("a\0b", 3));
  EXPECT_EQ(read(path), std::string("a\0b", 3));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator{}), 1);
}

TEST_F(OutputFile, MissingFolderIsBadInputAndLeavesNothing) {
  const std::string path = (dir_ / "no" / "r.json").string();
  EXPECT_THROW(write_file_atomically(path, "x"), BadInput);
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(OutputFile, AFolderInTheWayKeepsItAndLeavesNoTemporary) {
  fs::create_directories(dir_ / "taken");
  EXPECT_THROW(write_file_atomically((dir_ / "taken").string(), "x"), BadInput);
  EXPECT_TRUE(fs::is_directory(dir_ / "taken"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator{}), 1);
}

}  // namespace
}  // namespace aimc::models
