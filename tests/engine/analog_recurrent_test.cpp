// A float model's LSTM, GRU and RNN in analog mode: each direction's W and
// R on crossbar tiles (the gates and state updates stay digital float), as
// the placement pass decides; noise keyed per sequence and time step, so
// that results never depend on the batch or the thread count; calibrated
// ADC ranges for both matrices. Also `activations` read from a model file.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "engine/model.h"
#include "engine/onnx_import.h"
#include "engine/passes/placement_file.h"
#include "tests/support/graph_tests.h"

namespace aimc {
namespace {

constexpr int64_t kSeq = 6, kInput = 12, kHidden = 16;

struct Net {
  std::string op = "LSTM";
  std::string direction = "bidirectional";
  bool linear_before_reset = false;
  int64_t dirs() const { return direction == "bidirectional" ? 2 : 1; }
  int64_t gates() const { return op == "LSTM" ? 4 : op == "GRU" ? 3 : 1; }
};

// X [batch, seq, input] (layout 1: the batch first, as a classifier's input)
// -> the recurrent node "rec" with constant W, R and B -> Y [batch, seq,
// dirs, hidden].
Graph recurrent_graph(const Net& net) {
  std::mt19937 rng(3);
  Graph g;
  g.source = "analog_recurrent_test";
  g.opset = 14;
  g.inputs = {"X"};
  g.values["X"] = ValueInfo{DType::kFloat32, {-1, kSeq, kInput}, std::nullopt, false};
  const int64_t gh = net.gates() * kHidden;
  g.initializers["W"] = testing::random_tensor({net.dirs(), gh, kInput}, rng, -0.4f, 0.4f);
  g.initializers["R"] = testing::random_tensor({net.dirs(), gh, kHidden}, rng, -0.4f, 0.4f);
  g.initializers["B"] = testing::random_tensor({net.dirs(), 2 * gh}, rng, -0.2f, 0.2f);
  Node n;
  n.name = "rec";
  n.op_type = net.op;
  n.inputs = {"X", "W", "R", "B"};
  n.outputs = {"Y"};
  n.attrs["hidden_size"] = kHidden;
  n.attrs["direction"] = net.direction;
  n.attrs["layout"] = int64_t{1};
  if (net.op == "GRU") n.attrs["linear_before_reset"] = int64_t{net.linear_before_reset};
  g.nodes.push_back(std::move(n));
  g.outputs = {"Y"};
  return g;
}

ModelOptions analog(const std::string& preset) {
  ModelOptions o;
  o.mode = ExecMode::kAnalog;
  o.analog = analog_preset(preset);
  return o;
}

// PCM devices with per-MVM output noise, ranges that need no calibration.
ModelOptions pcm() {
  ModelOptions o = analog("aihwkit-standard");
  o.analog.adc_range = AdcRangeMode::kMax;
  return o;
}

Tensor inputs(int64_t batch, unsigned seed) {
  std::mt19937 rng(seed);
  return testing::random_tensor({batch, kSeq, kInput}, rng, -1.f, 1.f);
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
  double m = 0;
  for (int64_t i = 0; i < a.size(); ++i)
    m = std::max(m, double(std::fabs(a.data<float>()[i] - b.data<float>()[i])));
  return m;
}

const Net kNets[] = {{"LSTM"}, {"GRU"}, {"GRU", "bidirectional", true}, {"RNN", "reverse"}};

std::string label(const Net& net) {
  return net.op + " " + net.direction + (net.linear_before_reset ? " lbr" : "");
}

TEST(AnalogRecurrent, PlacedOnArraysAndNotListedAsFloat) {
  for (const Net& net : kNets) {
    SCOPED_TRACE(label(net));
    const Model m = Model::from_graph(recurrent_graph(net), analog("ideal"));
    const NodePlacement& p = m.graph().nodes.at(0).placement;
    EXPECT_EQ(p.unit, Unit::kArrays);
    EXPECT_EQ(p.row_tiles, 1);            // W: 12 rows, gates·hidden columns on 256 × 256 tiles
    EXPECT_EQ(p.arrays, 2 * net.dirs());  // W and R of each direction
    EXPECT_TRUE(m.float_nodes().empty());
    // ... and the placement file lists it, so that it can be moved by name.
    const nlohmann::json listed = placement_json(m.graph());
    ASSERT_EQ(listed["layers"].size(), 1u);
    EXPECT_EQ(listed["layers"][0]["layer"], "rec");
    EXPECT_EQ(listed["layers"][0]["arrays"], 2 * net.dirs());
  }
}

// The ideal preset differs from float only by quantization: each job's
// inputs go through the 8-bit DAC (steps of max|x|/255, after scaling by
// the job's largest magnitude) and each weight is one of 8-bit levels of its
// column's largest magnitude, so every product is off by a few 0.1 %, and
// the recurrence carries that on. Measured max |diff|: LSTM 1.8e-3, GRU
// 3.7e-3 (4.0e-3 with linear_before_reset), RNN 9.0e-3.
TEST(AnalogRecurrent, IdealTilesAreCloseToFloat) {
  for (const Net& net : kNets) {
    SCOPED_TRACE(label(net));
    const Graph g = recurrent_graph(net);
    const Tensor x = inputs(3, 5);
    const Tensor f = Model::from_graph(g, testing::float_mode()).run({x}).outputs.at(0);
    const Tensor a = Model::from_graph(g, analog("ideal")).run({x}).outputs.at(0);
    ASSERT_EQ(a.shape(), f.shape());
    const double diff = max_abs_diff(a, f);
    EXPECT_GT(diff, 0.0);  // really on tiles
    EXPECT_LT(diff, 2e-2);
  }
}

TEST(AnalogRecurrent, PcmDevicesShow) {
  for (const Net& net : kNets) {
    SCOPED_TRACE(label(net));
    const Graph g = recurrent_graph(net);
    const Tensor x = inputs(2, 6);
    const Tensor f = Model::from_graph(g, testing::float_mode()).run({x}).outputs.at(0);
    const Tensor a = Model::from_graph(g, pcm()).run({x}).outputs.at(0);
    const double diff = max_abs_diff(a, f);
    EXPECT_GT(diff, 1e-2);
    EXPECT_LT(diff, 1.0);
  }
}

// Each sequence alone, as image i of the run, gives the bits it gives in
// the batch; and 1 or 2 threads change no bit.
TEST(AnalogRecurrent, BatchAndThreadsChangeNoBit) {
  for (const Net& net : kNets) {
    SCOPED_TRACE(label(net));
    const Model m = Model::from_graph(recurrent_graph(net), pcm());
    const Tensor both = inputs(2, 8);
    const Tensor y = m.run({both}, RunContext{2, 0}).outputs.at(0);
    EXPECT_TRUE(testing::same_bits(y, m.run({both}, RunContext{1, 0}).outputs.at(0)));
    const int64_t per_x = kSeq * kInput, per_y = y.size() / 2;
    for (int64_t i = 0; i < 2; ++i) {
      Tensor one(DType::kFloat32, {1, kSeq, kInput});
      std::copy_n(both.data<float>() + i * per_x, per_x, one.data<float>());
      const Tensor yi = m.run({one}, RunContext{1, i}).outputs.at(0);
      ASSERT_EQ(yi.size(), per_y);
      for (int64_t k = 0; k < per_y; ++k)
        ASSERT_EQ(yi.data<float>()[k], y.data<float>()[i * per_y + k]) << "image " << i;
    }
  }
}

TEST(AnalogRecurrent, DigitalLayersAndPlacementOverridesDecide) {
  const Graph g = recurrent_graph(Net{});
  const Tensor x = inputs(2, 9);
  ModelOptions kept = pcm();
  kept.analog.placement.digital_layers = {"rec"};
  const Model digital = Model::from_graph(g, kept);
  EXPECT_EQ(digital.graph().nodes.at(0).placement.unit, Unit::kCores);
  EXPECT_EQ(digital.float_nodes(), std::vector<std::string>{"rec"});
  EXPECT_TRUE(
      testing::same_bits(digital.run({x}).outputs.at(0),
                         Model::from_graph(g, testing::float_mode()).run({x}).outputs.at(0)));

  // gemm: false keeps it off; analog_layers or a placement entry put it on.
  ModelOptions off = pcm();
  off.analog.placement.gemm = false;
  EXPECT_EQ(Model::from_graph(g, off).graph().nodes.at(0).placement.unit, Unit::kCores);
  ModelOptions listed = off;
  listed.analog.placement.analog_layers = {"rec"};
  EXPECT_EQ(Model::from_graph(g, listed).graph().nodes.at(0).placement.unit, Unit::kArrays);
  ModelOptions edited = off;
  edited.placement = {"edited.json", {{"rec", Unit::kArrays, 0}}};
  const Model on = Model::from_graph(g, edited);
  EXPECT_EQ(on.graph().nodes.at(0).placement.unit, Unit::kArrays);
  EXPECT_TRUE(testing::same_bits(on.run({x}).outputs.at(0),
                                 Model::from_graph(g, pcm()).run({x}).outputs.at(0)));
  // A recurrent node cannot be put on C_job blocks, nor on tiles in float mode.
  edited.placement.entries[0].unit = Unit::kCrossbarCjob;
  EXPECT_THROW(Model::from_graph(g, edited), BadInput);
  ModelOptions fl = testing::float_mode();
  fl.placement = {"edited.json", {{"rec", Unit::kArrays, 0}}};
  EXPECT_THROW(Model::from_graph(g, fl), BadInput);
}

// Calibrated ranges (the ima-paper preset): W and R of each direction get
// their own, R's measured on every state of the calibration sequences.
// Measured max |diff| to float: LSTM 0.044, GRU 0.061.
TEST(AnalogRecurrent, CalibratedRangesForBothMatrices) {
  for (const Net& net : {Net{}, Net{"GRU"}}) {
    SCOPED_TRACE(label(net));
    const Graph g = recurrent_graph(net);
    Model m = Model::from_graph(g, analog("ima-paper"));
    const Tensor x = inputs(2, 10);
    EXPECT_THROW(m.run({x}), BadInput);  // no ranges yet
    m.calibrate({inputs(4, 11)}, 2);
    for (const char* name : {"rec/W_forward", "rec/R_forward", "rec/W_reverse", "rec/R_reverse"}) {
      const std::vector<double>* r = m.adc_calibration().find(name);
      ASSERT_NE(r, nullptr) << name;
      for (double v : *r) EXPECT_GT(v, 0.0) << name;
    }
    const Tensor f = Model::from_graph(g, testing::float_mode()).run({x}).outputs.at(0);
    const Tensor a = m.run({x}, RunContext{2, 0}).outputs.at(0);
    const double diff = max_abs_diff(a, f);
    EXPECT_GT(diff, 0.0);
    EXPECT_LT(diff, 0.5);
  }
}

// With ideal devices and an 8-bit ADC on calibrated ranges, the output
// stays close to float: R's ranges fit the states R sees at every step.
// Measured max |diff|: LSTM 5e-3, GRU 2.9e-2, RNN 1.9e-2.
TEST(AnalogRecurrent, CalibratedRangesFitTheStates) {
  for (const Net& net : kNets) {
    SCOPED_TRACE(label(net));
    const Graph g = recurrent_graph(net);
    ModelOptions o = analog("ideal");
    o.analog.adc_bits = 8;
    o.analog.adc_range = AdcRangeMode::kCalibrated;
    Model m = Model::from_graph(g, o);
    m.calibrate({inputs(4, 12)});
    const Tensor x = inputs(2, 13);
    const Tensor f = Model::from_graph(g, testing::float_mode()).run({x}).outputs.at(0);
    const double diff = max_abs_diff(m.run({x}).outputs.at(0), f);
    EXPECT_LT(diff, 0.05);
  }
}

// ---- `activations` from a model file ------------------------------------------

void add_initializer(onnx::GraphProto* g, const std::string& name, const Tensor& t) {
  auto* init = g->add_initializer();
  init->set_name(name);
  init->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : t.shape()) init->add_dims(d);
  init->set_raw_data(std::string(reinterpret_cast<const char*>(t.data<float>()),
                                 static_cast<std::size_t>(t.size()) * sizeof(float)));
}

// recurrent_graph(net) as an ONNX file, with `activations` listed.
onnx::ModelProto recurrent_file(const Net& net, const std::vector<std::string>& activations) {
  const Graph src = recurrent_graph(net);
  const Node& n = src.nodes[0];
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(14);
  auto* g = m.mutable_graph();
  g->set_name("test");
  auto* x = g->add_input();
  x->set_name("X");
  auto* tt = x->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  tt->mutable_shape()->add_dim()->set_dim_param("N");
  for (int64_t d : {kSeq, kInput}) tt->mutable_shape()->add_dim()->set_dim_value(d);
  auto* y = g->add_output();
  y->set_name("Y");
  y->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  for (const char* c : {"W", "R", "B"}) add_initializer(g, c, src.initializers.at(c));
  auto* node = g->add_node();
  node->set_op_type(n.op_type);
  node->set_name(n.name);
  for (const auto& in : n.inputs) node->add_input(in);
  node->add_output("Y");
  auto attr = [&](const char* name, onnx::AttributeProto::AttributeType type) {
    auto* a = node->add_attribute();
    a->set_name(name);
    a->set_type(type);
    return a;
  };
  attr("hidden_size", onnx::AttributeProto::INT)->set_i(kHidden);
  attr("layout", onnx::AttributeProto::INT)->set_i(1);
  attr("direction", onnx::AttributeProto::STRING)->set_s(net.direction);
  auto* acts = attr("activations", onnx::AttributeProto::STRINGS);
  for (const auto& s : activations) acts->add_strings(s);
  return m;
}

TEST(RecurrentActivations, ReadFromAModelFile) {
  for (const Net& net : {Net{}, Net{"GRU", "forward"}, Net{"RNN", "bidirectional"}}) {
    SCOPED_TRACE(label(net));
    const std::vector<std::string> acts =
        net.op == "LSTM"  ? std::vector<std::string>{"HardSigmoid", "Softsign", "Relu",
                                                     "Sigmoid",     "Tanh",     "Softsign"}
        : net.op == "GRU" ? std::vector<std::string>{"HardSigmoid", "Softsign"}
                          : std::vector<std::string>{"Relu"};
    const std::string bytes = recurrent_file(net, acts).SerializeAsString();
    const Model from_file =
        Model::from_graph(import_onnx_bytes(bytes, "mem.onnx"), testing::float_mode());
    Graph g = recurrent_graph(net);
    g.nodes[0].attrs["activations"] = acts;
    const Model built = Model::from_graph(std::move(g), testing::float_mode());
    const Tensor x = inputs(2, 14);
    const Tensor a = from_file.run({x}).outputs.at(0);
    EXPECT_TRUE(testing::same_bits(a, built.run({x}).outputs.at(0)));
    // Not the defaults.
    const Tensor d =
        Model::from_graph(recurrent_graph(net), testing::float_mode()).run({x}).outputs.at(0);
    EXPECT_GT(max_abs_diff(a, d), 1e-3);
  }
}

std::string import_error(const onnx::ModelProto& m) {
  try {
    import_onnx_bytes(m.SerializeAsString(), "mem.onnx");
  } catch (const BadInput& e) {
    return e.what();
  }
  return "";
}

TEST(RecurrentActivations, HostileStringListsAreRefused) {
  const std::string many = import_error(recurrent_file(Net{}, std::vector<std::string>(100000)));
  EXPECT_NE(many.find("attribute 'activations' lists 100000 strings"), std::string::npos) << many;
  EXPECT_NE(many.find("node 'rec' (LSTM)"), std::string::npos) << many;
  const std::string long_one =
      import_error(recurrent_file(Net{}, {std::string(1 << 20, 'x'), "Tanh", "Tanh"}));
  EXPECT_NE(long_one.find("a string of 1048576 bytes"), std::string::npos) << long_one;
  // An unknown name is refused when the model is prepared, naming the node.
  try {
    Model::from_graph(
        import_onnx_bytes(recurrent_file(Net{"RNN", "forward"}, {"Swish"}).SerializeAsString(),
                          "mem.onnx"),
        testing::float_mode());
    ADD_FAILURE() << "accepted";
  } catch (const BadInput& e) {
    EXPECT_NE(std::string(e.what()).find("node 'rec' (RNN): unknown activation 'Swish'"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace aimc
