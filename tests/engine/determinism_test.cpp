// The same logits for any thread count and batch size,
// in digital (int8), float and analog mode.
#include <gtest/gtest.h>

#include <cstring>
#include <ostream>

#include "engine/model.h"
#include "support/shared_data.h"

namespace aimc {

// gtest and ctest show the mode by name instead of a byte dump.
void PrintTo(ExecMode m, std::ostream* os) { *os << exec_mode_name(m); }

namespace {

constexpr int kCrop = 224 * 224 * 3;
constexpr int kImages = 8;

// Runs images [0, kImages) in batches of `batch` and concatenates the
// outputs' bytes (int8 logits in digital mode, float logits in float mode).
std::string run_all(const Model& m, const std::vector<uint8_t>& crops, int batch, int threads) {
  std::string bytes;
  for (int first = 0; first < kImages; first += batch) {
    const Tensor in =
        testing::reference_input_from_crops(crops.data() + int64_t{first} * kCrop, batch);
    const ModelOutputs out = m.run({in}, RunContext{threads, first});
    const Tensor& t = m.mode() == ExecMode::kFloat ? out.outputs.at(0) : out.int8_outputs.at(0);
    bytes.append(reinterpret_cast<const char*>(t.raw()), t.byte_size());
  }
  return bytes;
}

class Determinism : public ::testing::TestWithParam<ExecMode> {};

TEST_P(Determinism, SameOutputsForThreadsOneAndTwoAndBatchOneAndEight) {
  ModelOptions opt;
  opt.mode = GetParam();
  // Analog: PCM devices after an hour plus per-MVM output noise, so every
  // kind of draw (per device and per MVM) is exercised.
  opt.analog.device = "pcm";
  opt.analog.t_inf = 3600;
  opt.analog.out_noise = 0.04;
  opt.analog.adc_bits = 12;
  opt.analog.seed = 17;
  const Model m = Model::load(
      opt.mode == ExecMode::kFloat ? testing::fp32_model_path() : testing::qdq_model_path(), opt);
  const auto crops = testing::read_binary(testing::shared_path("reference/crops_u8.bin"));
  ASSERT_GE(crops.size(), std::size_t{kImages} * kCrop);
  const std::string base = run_all(m, crops, 8, 2);
  ASSERT_EQ(base.size(), std::size_t{kImages} * 1000 * (opt.mode == ExecMode::kFloat ? 4 : 1));
  EXPECT_TRUE(base == run_all(m, crops, 8, 1)) << "threads 1 vs 2 differ at batch 8";
  EXPECT_TRUE(base == run_all(m, crops, 1, 1)) << "batch 1 vs 8 differ (1 thread)";
  EXPECT_TRUE(base == run_all(m, crops, 1, 2)) << "batch 1 vs 8 differ (2 threads)";
}

TEST(AnalogSeeds, DifferentSeedsGiveDifferentLogits) {
  const auto crops = testing::read_binary(testing::shared_path("reference/crops_u8.bin"));
  std::string out[3];
  int k = 0;
  for (uint64_t seed : {1, 2, 1}) {
    ModelOptions opt;
    opt.mode = ExecMode::kAnalog;
    opt.analog.device = "pcm";
    opt.analog.t_inf = 86400;
    opt.analog.compensation = DriftCompensation::kGlobal;
    opt.analog.seed = seed;
    const Model m = Model::load(testing::qdq_model_path(), opt);
    out[k++] = run_all(m, crops, 8, 2);
  }
  EXPECT_FALSE(out[0] == out[1]) << "seeds 1 and 2 gave identical logits";
  EXPECT_TRUE(out[0] == out[2]) << "seed 1 twice differs";
}

INSTANTIATE_TEST_SUITE_P(Modes, Determinism,
                         ::testing::Values(ExecMode::kDigital, ExecMode::kFloat, ExecMode::kAnalog),
                         [](const auto& info) { return exec_mode_name(info.param); });

}  // namespace
}  // namespace aimc
