// The timing model's view of the shared Keras MobileNetV2 (ONNX, lowered
// int8 and float) is the programmatic spec's, layer for layer.
#include "engine/timing/graph_layers.h"

#include <gtest/gtest.h>

#include "engine/model.h"
#include "models/specs/mobilenet_spec.h"
#include "support/shared_data.h"

namespace aimc::models {
namespace {

void expect_same_layers(const std::vector<timing::LayerShape>& got,
                        const std::vector<timing::LayerShape>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].op, want[i].op) << i << " " << got[i].name << " vs " << want[i].name;
    EXPECT_EQ(got[i].macs(), want[i].macs()) << got[i].name;
    EXPECT_EQ(got[i].weights(), want[i].weights()) << got[i].name;
    EXPECT_EQ(got[i].output_elements(), want[i].output_elements()) << got[i].name;
    EXPECT_EQ(got[i].stride, want[i].stride) << got[i].name;
  }
}

TEST(GraphLayers, SharedModelMatchesTheKerasSpec) {
  const auto spec = named_spec("mobilenetv2");
  expect_same_layers(timing::layers_from_graph(Model::load(testing::qdq_model_path()).graph()),
                     spec);
  ModelOptions f;
  f.mode = ExecMode::kFloat;
  expect_same_layers(timing::layers_from_graph(Model::load(testing::fp32_model_path(), f).graph()),
                     spec);
}

}  // namespace
}  // namespace aimc::models
