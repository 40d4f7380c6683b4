#pragma once
// What `aimc timing` computes and prints: a network's layers placed by a
// mapping scenario or by the placement a run of some mode would give (then
// a hand-edited placement file), their cost on the seed cluster as a table,
// JSON and CSV, and the paper's Bottleneck comparison over all scenarios.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/hardware/hardware.h"
#include "engine/timing/cluster_model.h"
#include "engine/timing/layer_shape.h"

namespace aimc::models {

// Where the layers come from and how they are placed. At most one of
// `scenario` and `mode` is given (empty: not given; neither: multi-array).
struct TimingRequest {
  std::string model_path;  // an ONNX model; empty: the programmatic `spec`
  std::string spec = "mobilenetv2";
  std::string scenario;
  std::string mode;               // digital, float or analog
  std::string analog = "ideal";   // for mode analog: a preset or a JSON file
  std::vector<std::string> sets;  // key=value overrides of `analog`
  std::string placement_path;     // a placement file over the above; empty: none
};

struct PlacedNetwork {
  std::vector<timing::LayerShape> layers;
  timing::System system = timing::System::kMultiArray;
  std::string label;  // the scenario's name, or "<mode> placement"
};

// BadInput for contradicting choices, unknown names and bad files.
PlacedNetwork placed_network(const TimingRequest& r, const timing::Hardware& hw);

std::string timing_table(const timing::TimingReport& r, const std::string& label);
nlohmann::json timing_json(const timing::TimingReport& r, const std::string& label);
std::string timing_csv(const timing::TimingReport& r);

// The Bottleneck block under every single-IMA scenario, with speed-up and
// energy efficiency against the cores.
struct BottleneckComparison {
  std::string table;
  nlohmann::json json;
};
BottleneckComparison bottleneck_comparison(const timing::Hardware& hw);

}  // namespace aimc::models
