// The digital path equals the TFLite Micro reference
// kernels byte for byte on the 100 shared reference crops, for the logits and
// for every layer of the two images with per-layer dumps.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "engine/model.h"
#include "support/shared_data.h"

namespace aimc {

// gtest and ctest show the flavor by name instead of a byte dump.
void PrintTo(KernelFlavor f, std::ostream* os) {
  *os << (f == KernelFlavor::kOptimized ? "optimized" : "reference");
}

namespace {

using testing::read_binary;
using testing::shared_path;

constexpr int kCrop = 224 * 224 * 3;
constexpr int kClasses = 1000;

std::vector<int8_t> run_logits(const Model& m, const std::vector<uint8_t>& crops, int first,
                               int count, int threads) {
  std::span<const uint8_t> px(crops.data() + int64_t{first} * kCrop, int64_t{count} * kCrop);
  const Tensor input = testing::reference_input_from_crops(px.data(), count);
  const ModelOutputs out = m.run({input}, RunContext{threads});
  const Tensor& logits = out.int8_outputs.at(0);
  EXPECT_EQ(logits.shape(), (Shape{count, kClasses}));
  return {logits.data<int8_t>(), logits.data<int8_t>() + logits.size()};
}

class BitExact : public ::testing::TestWithParam<KernelFlavor> {};

TEST_P(BitExact, LogitsEqualTfliteMicroOnAllReferenceCrops) {
  ModelOptions opt;
  opt.kernels.flavor = GetParam();
  const Model model = Model::load(testing::qdq_model_path(), opt);
  ASSERT_TRUE(model.integer_lowered());
  const auto crops = read_binary(shared_path("reference/crops_u8.bin"));
  const auto golden = read_binary<int8_t>(shared_path("reference/logits_int8.bin"));
  ASSERT_EQ(crops.size(), 100u * kCrop);
  ASSERT_EQ(golden.size(), 100u * kClasses);
  // The reference flavor is slow; and sanitizers slow everything.
  const bool slow = GetParam() == KernelFlavor::kReference || testing::kSanitized;
  const int images = slow ? 4 : 100;
  const int batch = 4;
  int mismatched_images = 0;
  for (int first = 0; first < images; first += batch) {
    const int count = std::min(batch, images - first);
    const auto logits = run_logits(model, crops, first, count, 2);
    for (int i = 0; i < count; ++i) {
      const int row = first + i;
      int diffs = 0;
      for (int c = 0; c < kClasses; ++c)
        diffs += logits[i * kClasses + c] != golden[row * kClasses + c];
      if (diffs) {
        ++mismatched_images;
        ADD_FAILURE() << "reference row " << row << ": " << diffs << " of 1000 logits differ";
      }
    }
  }
  EXPECT_EQ(mismatched_images, 0);
}

INSTANTIATE_TEST_SUITE_P(Flavors, BitExact,
                         ::testing::Values(KernelFlavor::kOptimized, KernelFlavor::kReference),
                         [](const auto& info) {
                           return info.param == KernelFlavor::kOptimized ? "optimized"
                                                                         : "reference";
                         });

// Every layer's int8 output against the per-layer dumps of class 0 and 207.
class LayerDumps : public ::testing::TestWithParam<int> {};

TEST_P(LayerDumps, EveryLayerEqualsTfliteMicro) {
  const int class_index = GetParam();
  const std::string dir = shared_path("reference/layers/" + std::to_string(class_index));
  std::ifstream f(dir + "/index.json");
  const auto index = nlohmann::json::parse(f);
  // The dump's own int8 input (000_*.bin), dequantized: it quantizes back to
  // exactly those bytes, so both images run without needing their crop.
  const auto& first = index["tensors"][0];
  const auto q_input = read_binary<int8_t>(dir + "/" + first["file"].get<std::string>());
  ASSERT_EQ(q_input.size(), static_cast<std::size_t>(kCrop));
  const float scale = first["scale"];
  const int zero_point = first["zero_point"];
  Tensor input(DType::kFloat32, {1, 3, 224, 224});
  for (int p = 0; p < 224 * 224; ++p) {
    for (int c = 0; c < 3; ++c) {
      input.data<float>()[c * 224 * 224 + p] =
          static_cast<float>(q_input[p * 3 + c] - zero_point) * scale;
    }
  }
  const Model model = Model::load(testing::qdq_model_path());
  std::map<std::string, Tensor> produced;
  model.run({input}, RunContext{1}, [&](const Node& n, std::span<const Tensor> outs) {
    for (std::size_t k = 0; k < outs.size(); ++k) produced[n.outputs[k]] = outs[k];
  });
  int checked = 0;
  for (const auto& t : index["tensors"]) {
    const std::string onnx_tensor = t["onnx_tensor"];
    const auto golden = read_binary<int8_t>(dir + "/" + t["file"].get<std::string>());
    auto it = produced.find(onnx_tensor);
    if (it == produced.end()) {
      // The graph input quantization is the only dumped tensor that the
      // lowering may legitimately fold; everything else must exist.
      ADD_FAILURE() << "tensor " << onnx_tensor << " was not produced";
      continue;
    }
    const Tensor& ours = it->second;
    ASSERT_EQ(static_cast<std::size_t>(ours.size()), golden.size()) << onnx_tensor;
    int diffs = 0;
    for (std::size_t i = 0; i < golden.size(); ++i) diffs += ours.data<int8_t>()[i] != golden[i];
    EXPECT_EQ(diffs, 0) << t["file"] << " (" << onnx_tensor << "): " << diffs << " of "
                        << golden.size() << " bytes differ";
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(index["tensors"].size()));
  EXPECT_GE(checked, 60);
}

INSTANTIATE_TEST_SUITE_P(ReferenceImages, LayerDumps, ::testing::Values(0, 207),
                         [](const auto& info) { return "class" + std::to_string(info.param); });

}  // namespace
}  // namespace aimc
