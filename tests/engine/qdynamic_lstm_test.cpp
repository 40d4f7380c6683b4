// ONNX Runtime's com.microsoft.DynamicQuantizeLSTM (QDynamicLSTM): its dynamic
// quantization against hand computations, the kernel against a plain
// reference written here (quantization of each sequence's X and of every
// H_{t−1}, exact integer products, x_scale·w_scale multipliers), against a
// float LSTM on the dequantized weights (gate order and W's transposed
// layout), independence of batch and threads, ideal tiles equal to digital
// bit for bit, and the refusals.
#include "engine/kernels/int8/qdynamic_lstm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <random>

#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "engine/model.h"
#include "tests/support/graph_tests.h"

namespace aimc {
namespace {

using int8k::lstm_quant_params;
using int8k::lstm_quantize;

constexpr int64_t kSeq = 5, kInput = 7, kHidden = 6, kGh = 4 * kHidden;

struct Case {
  DType wtype = DType::kInt8;
  bool per_column = false;
  bool initial_states = false;
};

template <typename T>
Tensor codes(Shape s, std::mt19937& rng, int lo, int hi) {
  Tensor t(std::is_same_v<T, int8_t> ? DType::kInt8 : DType::kUInt8, std::move(s));
  std::uniform_int_distribution<int> d(lo, hi);
  for (int64_t i = 0; i < t.size(); ++i) t.data<T>()[i] = static_cast<T>(d(rng));
  return t;
}

Tensor weights(const Case& c, Shape s, std::mt19937& rng) {
  return c.wtype == DType::kInt8 ? codes<int8_t>(std::move(s), rng, -127, 127)
                                 : codes<uint8_t>(std::move(s), rng, 0, 255);
}

// X [seq, batch, input] -> DynamicQuantizeLSTM "qlstm" -> Y, Y_h, Y_c.
Graph qlstm_graph(const Case& c) {
  std::mt19937 rng(11);
  Graph g;
  g.source = "qdynamic_lstm_test";
  g.opset = 14;
  g.inputs = {"X"};
  g.values["X"] = ValueInfo{DType::kFloat32, {kSeq, -1, kInput}, std::nullopt, false};
  g.initializers["W"] = weights(c, {1, kInput, kGh}, rng);
  g.initializers["R"] = weights(c, {1, kHidden, kGh}, rng);
  g.initializers["B"] = testing::random_tensor({1, 2 * kGh}, rng, -0.3f, 0.3f);
  const Shape qs = c.per_column ? Shape{1, kGh} : Shape{1};
  g.initializers["Ws"] = testing::random_tensor(qs, rng, 0.004f, 0.02f);
  g.initializers["Rs"] = testing::random_tensor(qs, rng, 0.004f, 0.02f);
  const bool u8 = c.wtype == DType::kUInt8;
  // uint8 zero points are one value per matrix, as onnxruntime requires.
  Tensor wz = u8 ? codes<uint8_t>(qs, rng, 0, 0) : codes<int8_t>(qs, rng, 0, 0);
  Tensor rz = wz;
  if (u8) {
    for (int64_t i = 0; i < wz.size(); ++i) wz.data<uint8_t>()[i] = 121;
    for (int64_t i = 0; i < rz.size(); ++i) rz.data<uint8_t>()[i] = 133;
  }
  g.initializers["Wz"] = wz;
  g.initializers["Rz"] = rz;
  Node n;
  n.name = "qlstm";
  n.op_type = "com.microsoft.DynamicQuantizeLSTM";
  n.inputs = {"X", "W", "R", "B", "", "", "", "", "Ws", "Wz", "Rs", "Rz"};
  if (c.initial_states) {
    g.initializers["H0"] = testing::random_tensor({1, 1, kHidden}, rng, -0.5f, 0.5f);
    g.initializers["C0"] = testing::random_tensor({1, 1, kHidden}, rng, -0.5f, 0.5f);
    n.inputs[5] = "H0";
    n.inputs[6] = "C0";
  }
  n.outputs = {"Y", "Y_h", "Y_c"};
  n.attrs["hidden_size"] = kHidden;
  g.nodes.push_back(std::move(n));
  g.outputs = {"Y", "Y_h", "Y_c"};
  return g;
}

Tensor input(int64_t batch, unsigned seed) {
  std::mt19937 rng(seed);
  return testing::random_tensor({kSeq, batch, kInput}, rng, -1.5f, 2.f);
}

int32_t code(const Tensor& t, int64_t i) {
  return t.dtype() == DType::kInt8 ? t.data<int8_t>()[i] : t.data<uint8_t>()[i];
}

// The plain reference of one sequence (batch 1): Y [seq][hidden].
std::vector<float> reference(const Graph& g, const float* x) {
  const Tensor &w = g.initializers.at("W"), &r = g.initializers.at("R");
  const Tensor &ws = g.initializers.at("Ws"), &rs = g.initializers.at("Rs");
  const Tensor &wz = g.initializers.at("Wz"), &rz = g.initializers.at("Rz");
  const Tensor& b = g.initializers.at("B");
  auto col = [](const Tensor& t, int64_t c) { return t.size() == 1 ? 0 : c; };
  const auto qx = lstm_quant_params(std::span<const float>(x, kSeq * kInput));
  std::vector<float> bias(kGh), h(kHidden, 0.0f), c(kHidden, 0.0f), y;
  for (int64_t i = 0; i < kGh; ++i) bias[i] = b.data<float>()[i] + b.data<float>()[kGh + i];
  if (g.initializers.count("H0")) {
    std::copy_n(g.initializers.at("H0").data<float>(), kHidden, h.begin());
    std::copy_n(g.initializers.at("C0").data<float>(), kHidden, c.begin());
  }
  for (int64_t t = 0; t < kSeq; ++t) {
    const auto qh = lstm_quant_params(h);
    std::vector<float> pre(kGh);
    for (int64_t n = 0; n < kGh; ++n) {
      int64_t ax = 0, ah = 0;
      for (int64_t k = 0; k < kInput; ++k)
        ax += int64_t{lstm_quantize(x[t * kInput + k], qx) - qx.zero_point} *
              (code(w, k * kGh + n) - code(wz, col(wz, n)));
      for (int64_t k = 0; k < kHidden; ++k)
        ah += int64_t{lstm_quantize(h[k], qh) - qh.zero_point} *
              (code(r, k * kGh + n) - code(rz, col(rz, n)));
      const volatile float fx = static_cast<float>(ax) * (qx.scale * ws.data<float>()[col(ws, n)]);
      const volatile float fh = static_cast<float>(ah) * (qh.scale * rs.data<float>()[col(rs, n)]);
      pre[n] = fx + fh;
    }
    int8k::qlstm_gates(pre.data(), bias.data(), kHidden, c.data(), h.data());
    y.insert(y.end(), h.begin(), h.end());
  }
  return y;
}

TEST(QDynamicLstm, QuantizesAsOnnxRuntime) {
  // (2 − (−3)) / 255, zero point round(3 / scale) = 153.
  const std::vector<float> v = {0.0f, 2.0f, -3.0f, -2.5f, 1.34f, 0.5f};
  const auto q = lstm_quant_params(v);
  EXPECT_EQ(q.scale, 5.0f / 255.0f);
  EXPECT_EQ(q.zero_point, 153);
  const int32_t want[] = {153, 255, 0, 26, 221, 179};
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_EQ(lstm_quantize(v[i], q), want[i]) << i;
  // An empty range (all zeros, as H_0): scale 1, zero point 0.
  const auto z = lstm_quant_params(std::vector<float>(4, 0.0f));
  EXPECT_EQ(z.scale, 1.0f);
  EXPECT_EQ(z.zero_point, 0);
  // Half-way quotients round to even, then saturate to [0, 255].
  const int8k::LstmQuant h{1.0f, 10};
  EXPECT_EQ(lstm_quantize(0.5f, h), 10);
  EXPECT_EQ(lstm_quantize(1.5f, h), 12);
  EXPECT_EQ(lstm_quantize(-2.5f, h), 8);
  EXPECT_EQ(lstm_quantize(300.0f, h), 255);
  EXPECT_EQ(lstm_quantize(-30.0f, h), 0);
}

std::vector<Case> cases() {
  return {{DType::kInt8, false, false},
          {DType::kInt8, true, true},
          {DType::kUInt8, false, true},
          {DType::kUInt8, true, false}};
}

class QDynamicLstmCase : public ::testing::TestWithParam<Case> {};

TEST_P(QDynamicLstmCase, DigitalEqualsThePlainReferenceAndFloatMode) {
  const Graph g = qlstm_graph(GetParam());
  const Model m = Model::from_graph(g);
  EXPECT_EQ(m.graph().nodes.at(0).op_type, "QDynamicLSTM");
  EXPECT_TRUE(m.float_nodes().empty());
  for (unsigned seed : {1u, 2u, 3u}) {
    const Tensor x = input(1, seed);
    const auto out = m.run({x}).outputs;
    const std::vector<float> want = reference(g, x.data<float>());
    ASSERT_EQ(out.at(0).size(), static_cast<int64_t>(want.size()));
    EXPECT_EQ(0, std::memcmp(out[0].data<float>(), want.data(), want.size() * sizeof(float)));
    EXPECT_EQ(
        0, std::memcmp(out[1].data<float>(), &want[(kSeq - 1) * kHidden], kHidden * sizeof(float)));
    const auto fl = Model::from_graph(g, testing::float_mode()).run({x}).outputs;
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(testing::same_bits(out[i], fl[i])) << i;
  }
}

// W [1, input, 4·hidden] holds the float LSTM's W [1, 4·hidden, input]
// transposed, gates i, o, f, c: the dequantized weights in a float LSTM
// give nearly the same states (the difference is the quantization of X and H).
TEST_P(QDynamicLstmCase, IsCloseToAFloatLstmOnTheDequantizedWeights) {
  const Graph q = qlstm_graph(GetParam());
  Graph f = q;
  auto dequant = [&](const std::string& w, const std::string& s, const std::string& z, int64_t k) {
    const Tensor &wt = q.initializers.at(w), &st = q.initializers.at(s), &zt = q.initializers.at(z);
    Tensor out(DType::kFloat32, {1, kGh, k});
    for (int64_t i = 0; i < k; ++i)
      for (int64_t n = 0; n < kGh; ++n) {
        const int64_t c = st.size() == 1 ? 0 : n;
        out.data<float>()[n * k + i] =
            st.data<float>()[c] *
            static_cast<float>(code(wt, i * kGh + n) - code(zt, zt.size() == 1 ? 0 : n));
      }
    return out;
  };
  f.initializers["W"] = dequant("W", "Ws", "Wz", kInput);
  f.initializers["R"] = dequant("R", "Rs", "Rz", kHidden);
  Node& n = f.nodes[0];
  n.op_type = "LSTM";
  n.inputs.resize(8);
  const Tensor x = input(1, 5);
  const auto yq = Model::from_graph(q).run({x}).outputs.at(0);
  const auto yf = Model::from_graph(f, testing::float_mode()).run({x}).outputs.at(0);
  float worst = 0.0f;
  for (int64_t i = 0; i < yq.size(); ++i)
    worst = std::max(worst, std::fabs(yq.data<float>()[i] - yf.data<float>()[i]));
  EXPECT_LT(worst, 0.03f);
  EXPECT_GT(worst, 0.0f);  // the quantization of X and H is there
}

TEST_P(QDynamicLstmCase, ASequenceDoesNotDependOnTheBatchOrTheThreads) {
  // Constant initial states hold one sequence's rows: batch 1 only.
  if (GetParam().initial_states) GTEST_SKIP();
  const Graph g = qlstm_graph(GetParam());
  const Tensor x = input(3, 7);
  for (const ModelOptions& o : {ModelOptions{}, [] {
                                  ModelOptions a;
                                  a.mode = ExecMode::kAnalog;
                                  a.analog = analog_preset("ima-paper");
                                  a.analog.adc_range = AdcRangeMode::kMax;
                                  return a;
                                }()}) {
    const Model m = Model::from_graph(g, o);
    RunContext two;
    two.threads = 2;
    const auto all = m.run({x}).outputs.at(0);
    EXPECT_TRUE(testing::same_bits(all, m.run({x}, two).outputs.at(0)));
    for (int64_t b = 0; b < 3; ++b) {
      Tensor one(DType::kFloat32, {kSeq, 1, kInput});
      for (int64_t t = 0; t < kSeq; ++t)
        std::copy_n(x.data<float>() + (t * 3 + b) * kInput, kInput, one.data<float>() + t * kInput);
      RunContext ctx;
      ctx.first_image = b;
      const auto y = m.run({one}, ctx).outputs.at(0);
      for (int64_t t = 0; t < kSeq; ++t)
        EXPECT_EQ(
            0, std::memcmp(y.data<float>() + t * kHidden, all.data<float>() + (t * 3 + b) * kHidden,
                           kHidden * sizeof(float)))
            << "sequence " << b << " step " << t;
    }
  }
}

TEST_P(QDynamicLstmCase, IdealTilesEqualDigitalBitForBitAndPcmDiffers) {
  const Graph g = qlstm_graph(GetParam());
  ModelOptions ideal;
  ideal.mode = ExecMode::kAnalog;
  ideal.analog = analog_preset("ideal");
  const Model a = Model::from_graph(g, ideal);
  EXPECT_TRUE(on_crossbar(a.graph().nodes.at(0).placement.unit));
  const Tensor x = input(GetParam().initial_states ? 1 : 2, 9);
  const auto d = Model::from_graph(g).run({x}).outputs;
  const auto y = a.run({x}).outputs;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(testing::same_bits(d[i], y[i])) << i;
  ModelOptions pcm = ideal;
  pcm.analog = analog_preset("ima-paper");
  Model p = Model::from_graph(g, pcm);
  p.calibrate({input(x.dim(1), 4)});
  EXPECT_FALSE(testing::same_bits(d[0], p.run({x}).outputs.at(0)));
}

INSTANTIATE_TEST_SUITE_P(Weights, QDynamicLstmCase, ::testing::ValuesIn(cases()));

std::string refusal(Graph g) {
  try {
    Model::from_graph(std::move(g));
  } catch (const BadInput& e) {
    return e.what();
  }
  return "<accepted>";
}

TEST(QDynamicLstm, UnsupportedFormsAreRefusedNamingTheNode) {
  const Graph base = qlstm_graph({});
  auto with = [&](const std::function<void(Graph&)>& edit) {
    Graph g = base;
    edit(g);
    return refusal(std::move(g));
  };
  const std::vector<std::pair<std::string, std::function<void(Graph&)>>> refused = {
      {"direction 'reverse'",
       [](Graph& g) { g.nodes[0].attrs["direction"] = std::string("reverse"); }},
      {"direction 'bidirectional'",
       [](Graph& g) { g.nodes[0].attrs["direction"] = std::string("bidirectional"); }},
      {"clip", [](Graph& g) { g.nodes[0].attrs["clip"] = 3.0f; }},
      {"input_forget", [](Graph& g) { g.nodes[0].attrs["input_forget"] = int64_t{1}; }},
      {"default activations",
       [](Graph& g) {
         g.nodes[0].attrs["activations"] = std::vector<std::string>{"Sigmoid", "Relu", "Tanh"};
       }},
      {"peepholes",
       [](Graph& g) {
         g.initializers["P"] = Tensor(DType::kFloat32, {1, 3 * kHidden});
         g.nodes[0].inputs[7] = "P";
       }},
      {"sequence_lens",
       [](Graph& g) {
         g.initializers["L"] = Tensor(DType::kInt32, {1});
         g.nodes[0].inputs[4] = "L";
       }},
      {"R must be",
       [](Graph& g) {
         g.initializers["R"] = Tensor(DType::kInt8, {1, kGh, kHidden});
       }},
  };
  for (const auto& [what, edit] : refused) {
    const std::string msg = with(edit);
    EXPECT_NE(msg.find("qlstm"), std::string::npos) << msg;
    EXPECT_NE(msg.find(what), std::string::npos) << what << ": " << msg;
  }
}

}  // namespace
}  // namespace aimc
