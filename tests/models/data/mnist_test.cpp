// The IDX reader on small files written here (plain and gzipped, good and
// bad), and the split of an IDX file into calibration and evaluation halves.
#include "models/data/mnist.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/error.h"
#include "models/studies/mnist_evaluation.h"
#include "support/cli_runner.h"

namespace aimc::models {
namespace {

using testing::ScratchDir;

std::string header(uint32_t magic, const std::vector<uint32_t>& dims) {
  std::string h;
  auto put = [&](uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) h.push_back(static_cast<char>((v >> s) & 0xff));
  };
  put(magic);
  for (uint32_t d : dims) put(d);
  return h;
}

// `count` images of 2×3 pixels, pixel j of image i = 10·i + j.
std::string images_bytes(uint32_t count) {
  std::string b = header(kIdxImagesMagic, {count, 2, 3});
  for (uint32_t i = 0; i < count; ++i)
    for (int j = 0; j < 6; ++j) b.push_back(static_cast<char>(10 * i + j));
  return b;
}

std::string labels_bytes(const std::vector<uint8_t>& labels) {
  std::string b = header(kIdxLabelsMagic, {static_cast<uint32_t>(labels.size())});
  b.append(labels.begin(), labels.end());
  return b;
}

std::string write(const std::filesystem::path& p, const std::string& bytes, bool gzip = false) {
  if (gzip) {
    gzFile f = gzopen(p.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
  } else {
    std::ofstream(p, std::ios::binary) << bytes;
  }
  return p.string();
}

// Expects BadInput whose message names `file` and contains `what`.
template <typename F>
void expect_refused(F&& f, const std::string& file, const std::string& what) {
  try {
    f();
    FAIL() << "accepted " << file;
  } catch (const BadInput& e) {
    EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}

TEST(MnistIdx, ReadsGzippedAndPlainFilesAlike) {
  ScratchDir dir("mnist-read");
  const auto gz = write(dir / "a-images-idx3-ubyte.gz", images_bytes(3), true);
  const auto raw = write(dir / "plain.bin", images_bytes(3));
  for (const auto& path : {gz, raw}) {
    EXPECT_TRUE(is_idx_file(path)) << path;
    const IdxImages im = read_idx_images(path);
    EXPECT_EQ(im.count, 3);
    EXPECT_EQ(im.rows, 2);
    EXPECT_EQ(im.cols, 3);
    ASSERT_EQ(im.pixels.size(), 18u);
    EXPECT_EQ(im.pixels[2 * 6 + 5], 25);
  }
  const auto labels = write(dir / "l.gz", labels_bytes({7, 0, 9}), true);
  EXPECT_EQ(read_idx_labels(labels), (std::vector<uint8_t>{7, 0, 9}));
}

TEST(MnistIdx, TellsIdxFilesFromImageListsAndFolders) {
  ScratchDir dir("mnist-kind");
  EXPECT_FALSE(is_idx_file(write(dir / "list.csv", "a.jpg,1\n")));
  EXPECT_FALSE(is_idx_file(write(dir / "idx.csv", "a.jpg,1\n")));
  EXPECT_FALSE(is_idx_file(dir.path().string()));
  EXPECT_FALSE(is_idx_file((dir / "missing").string()));
  EXPECT_TRUE(is_idx_file(write(dir / "t10k-images-idx3-ubyte", "garbage")));
}

TEST(MnistIdx, FindsTheLabelFileBeside) {
  EXPECT_EQ(idx_labels_beside("d/t10k-images-idx3-ubyte.gz"), "d/t10k-labels-idx1-ubyte.gz");
  EXPECT_EQ(idx_labels_beside("d/train-images-idx3-ubyte"), "d/train-labels-idx1-ubyte");
  EXPECT_EQ(idx_labels_beside("d/pixels.bin"), "");
}

TEST(MnistIdx, RefusesBadFilesNamingThem) {
  ScratchDir dir("mnist-bad");
  const auto magic = write(dir / "magic", labels_bytes({1, 2}));
  expect_refused([&] { read_idx_images(magic); }, magic, "magic 0x00000801");
  std::string cut = images_bytes(3);
  cut.resize(cut.size() - 1);
  const auto truncated = write(dir / "cut.gz", cut, true);
  expect_refused([&] { read_idx_images(truncated); }, truncated, "truncated");
  const auto header_only = write(dir / "short", images_bytes(3).substr(0, 9));
  expect_refused([&] { read_idx_images(header_only); }, header_only, "truncated");
  const auto longer = write(dir / "long", images_bytes(3) + "x");
  expect_refused([&] { read_idx_images(longer); }, longer, "more data");
  const auto huge = write(dir / "huge", header(kIdxImagesMagic, {0x7fffffff, 28, 28}));
  expect_refused([&] { read_idx_images(huge); }, huge, "2^28");
  const auto empty = write(dir / "empty", "");
  expect_refused([&] { read_idx_labels(empty); }, empty, "no IDX header");
  std::string broken = "\x1f\x8b\x08";
  broken += std::string(40, '\x55');
  const auto gz = write(dir / "broken.gz", broken);
  expect_refused([&] { read_idx_labels(gz); }, gz, "");
  expect_refused([&] { read_idx_labels((dir / "none").string()); }, (dir / "none").string(),
                 "not found");
}

TEST(MnistIdx, RefusesLabelsThatDoNotFitTheImages) {
  ScratchDir dir("mnist-labels");
  const auto images = write(dir / "x-images-idx3-ubyte.gz", images_bytes(3), true);
  const auto two = write(dir / "two", labels_bytes({1, 2}));
  expect_refused([&] { load_mnist(images, two); }, two, "holds 2 labels");
  const auto big = write(dir / "big", labels_bytes({1, 12, 3}));
  expect_refused([&] { load_mnist(images, big); }, big, "not a digit");
  // No label file beside: named.
  expect_refused([&] { load_mnist(images); }, "x-labels-idx1-ubyte.gz", "not found");
}

TEST(MnistIdx, SamplesArePixelsOver255InTheModelsShape) {
  ScratchDir dir("mnist-samples");
  write(dir / "x-labels-idx1-ubyte", labels_bytes({4, 5, 6}));
  const MnistSet s = load_mnist(write(dir / "x-images-idx3-ubyte", images_bytes(3)));
  const Tensor t = mnist_samples(s, 1, 2, {2, 3}, "m.onnx");
  EXPECT_EQ(t.shape(), (Shape{2, 2, 3}));
  EXPECT_EQ(t.data<float>()[0], 10.0f / 255.0f);
  EXPECT_EQ(t.data<float>()[11], 25.0f / 255.0f);
  EXPECT_EQ(mnist_samples(s, 0, 1, {6}, "m.onnx").shape(), (Shape{1, 6}));
  expect_refused([&] { mnist_samples(s, 0, 1, {7}, "m.onnx"); }, "m.onnx", "6 pixels");
}

TEST(MnistIdx, FirstHalfCalibratesSecondHalfIsEvaluated) {
  ScratchDir dir("mnist-split");
  write(dir / "x-labels-idx1-ubyte", labels_bytes({1, 2, 3, 4, 5}));
  const auto images = write(dir / "x-images-idx3-ubyte", images_bytes(5));
  const MnistEvaluation e = mnist_evaluation(images, "", 0);
  EXPECT_EQ(e.calibration_count, 2);
  EXPECT_EQ(e.first, 2);
  EXPECT_EQ(e.count, 3);
  EXPECT_EQ(e.calibration_split["calibration_images"], nlohmann::json({0, 2}));
  EXPECT_EQ(e.calibration_split["evaluation_images"], nlohmann::json({2, 5}));
  EXPECT_TRUE(e.calibration_split["excluded_from_evaluation"].get<bool>());
  EXPECT_NE(e.note.find(images + "[2:5]"), std::string::npos) << e.note;
  EXPECT_NE(e.note.find(images + "[0:2] is for training and calibration, never evaluated"), std::string::npos);
  const MnistEvaluation limited = mnist_evaluation(images, "", 2);
  EXPECT_EQ(limited.first, 2);
  EXPECT_EQ(limited.count, 2);
}

}  // namespace
}  // namespace aimc::models
