// The timing model's view of the shared Keras MobileNetV2 (ONNX, lowered
// int8 and float) is the programmatic spec's, layer for layer; and the
// report lists what it cannot cost.
#include "engine/timing/graph_layers.h"

#include <gtest/gtest.h>

#include "engine/model.h"
#include "models/specs/mobilenet_spec.h"
#include "models/studies/timing_report.h"
#include "support/shared_data.h"

namespace aimc::models {
namespace {

// The layers that cost something: the Flatten and the int8 conversions at
// the model's borders are free layers the spec does not have.
std::vector<timing::LayerShape> costed(std::vector<timing::LayerShape> layers) {
  std::erase_if(layers, [](const auto& l) { return l.op == timing::LayerOp::kFree; });
  return layers;
}

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
  const auto qdq = timing::layers_from_graph(Model::load(testing::qdq_model_path()).graph());
  expect_same_layers(costed(qdq), spec);
  EXPECT_EQ(qdq.size(), spec.size() + 3);  // QuantizeLinear, Flatten, DequantizeLinear
  ModelOptions f;
  f.mode = ExecMode::kFloat;
  expect_same_layers(
      costed(timing::layers_from_graph(Model::load(testing::fp32_model_path(), f).graph())), spec);
}

TEST(GraphLayers, TableListsUncostedLayersAndSaysTheTotalsExcludeThem) {
  timing::LayerShape add;
  add.name = "add";
  add.op = timing::LayerOp::kAdd;
  add.in_c = add.out_c = 8;
  timing::LayerShape odd = add;
  odd.name = "odd";
  odd.op = timing::LayerOp::kUncosted;
  odd.label = "einsum";
  odd.reason = "no cost model for Einsum";
  const auto r = timing::estimate({add, odd}, timing::Hardware{}, timing::System::kSingleIma);
  const std::string table = timing_table(r, "cores");
  EXPECT_NE(table.find("uncosted (left out of the totals):\nodd"), std::string::npos) << table;
  EXPECT_NE(table.find("no cost model for Einsum"), std::string::npos) << table;
  EXPECT_NE(table.find("total, excluding 1 uncosted layer:"), std::string::npos) << table;
  const auto j = timing_json(r, "cores");
  ASSERT_EQ(j["uncosted"].size(), 1u);
  EXPECT_EQ(j["uncosted"][0]["layer"], "odd");
  EXPECT_EQ(j["uncosted"][0]["op"], "einsum");
  EXPECT_EQ(j["uncosted"][0]["reason"], "no cost model for Einsum");
  EXPECT_EQ(j["total"]["cycles"], 8 * timing::Hardware{}.add_cycles_per_element);
}

}  // namespace
}  // namespace aimc::models
