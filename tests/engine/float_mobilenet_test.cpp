// The float path on the real networks: the fp32 MobileNetV2 agrees with the
// int8 reference on the top class, deterministically for any batch or thread
// count; the QDQ model also runs in float mode (its Q/DQ as float ops).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>

#include "engine/model.h"
#include "support/shared_data.h"

namespace aimc {
namespace {

constexpr int kCrop = 224 * 224 * 3;
constexpr int kImages = 4;
constexpr int kClasses = 1000;

Model load_float(const std::string& path) {
  ModelOptions o;
  o.mode = ExecMode::kFloat;
  return Model::load(path, o);
}

// Float logits of images [0, kImages) run in batches of `batch`, concatenated.
std::vector<float> logits(const Model& m, const std::vector<uint8_t>& crops, int batch,
                          int threads) {
  std::vector<float> all;
  for (int first = 0; first < kImages; first += batch) {
    const Tensor in =
        testing::reference_input_from_crops(crops.data() + int64_t{first} * kCrop, batch);
    const Tensor out = m.run({in}, RunContext{threads}).outputs.at(0);
    EXPECT_EQ(out.shape(), (Shape{batch, kClasses}));
    all.insert(all.end(), out.values<float>().begin(), out.values<float>().end());
  }
  return all;
}

template <typename T>
int argmax(const T* v) {
  return static_cast<int>(std::max_element(v, v + kClasses) - v);
}

// How many of the images get the top class of the int8 reference logits.
int agreements(const std::vector<float>& result) {
  const auto ref = testing::read_binary<int8_t>(testing::shared_path("reference/logits_int8.bin"));
  EXPECT_GE(ref.size(), std::size_t{kImages} * kClasses);
  int agree = 0;
  for (int i = 0; i < kImages; ++i) {
    agree += argmax(result.data() + i * kClasses) == argmax(ref.data() + i * kClasses);
  }
  return agree;
}

std::vector<uint8_t> crops() {
  auto c = testing::read_binary(testing::shared_path("reference/crops_u8.bin"));
  EXPECT_GE(c.size(), std::size_t{kImages} * kCrop);
  return c;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

TEST(FloatMobileNet, Fp32AgreesWithInt8ReferenceAndIsDeterministic) {
  const Model m = load_float(testing::fp32_model_path());
  const auto c = crops();
  const auto start = std::chrono::steady_clock::now();
  const auto batch4 = logits(m, c, 4, 2);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "fp32 MobileNetV2, float mode, batch 4, 2 threads: " << kImages / seconds
            << " images/s\n";
  EXPECT_GE(agreements(batch4), 3);
  EXPECT_TRUE(same_bits(batch4, logits(m, c, 1, 2))) << "batch 1 vs 4 differ";
  EXPECT_TRUE(same_bits(batch4, logits(m, c, 4, 1))) << "threads 1 vs 2 differ";
}

TEST(FloatMobileNet, QdqModelRunsInFloatMode) {
  const Model m = load_float(testing::qdq_model_path());
  EXPECT_FALSE(m.integer_lowered());
  const auto c = crops();
  const auto batch4 = logits(m, c, 4, 2);
  EXPECT_GE(agreements(batch4), 3);
  EXPECT_TRUE(same_bits(batch4, logits(m, c, 1, 1))) << "batch/threads change the outputs";
}

}  // namespace
}  // namespace aimc
