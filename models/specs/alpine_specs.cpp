#include "models/specs/alpine_specs.h"

#include <stdexcept>

#include "engine/error.h"

namespace aimc::models {
namespace {

using timing::LayerOp;
using timing::LayerShape;

constexpr int kMaxSize = 1 << 20, kMaxLayers = 1000, kMaxSteps = 1000000;

LayerShape per_element(const std::string& name, LayerOp op, const std::string& label, int c,
                       int hw) {
  LayerShape l;
  l.name = name;
  l.op = op;
  l.label = label;
  l.in_c = l.out_c = c;
  l.in_h = l.in_w = l.out_h = l.out_w = hw;
  l.elements = int64_t{c} * hw * hw;
  return l;
}

LayerShape gemm(const std::string& name, int in, int out) {
  LayerShape l;
  l.name = name;
  l.op = LayerOp::kGemm;
  l.in_c = in;
  l.out_c = out;
  return l;
}

// One convolution stage of Chatfield's table: conv (+ReLU), optional LRN,
// optional max pool by `pool` (window = stride = factor).
struct ConvStage {
  int out_c, k, stride, pad;
  bool lrn;
  int pool;  // 1: none
};

struct Cnn {
  std::vector<ConvStage> convs;
  int fc6_in;  // checked against the spatial size the convs give
};

Cnn cnn(const std::string& name) {
  if (name == "cnn-f")
    return {{{64, 11, 4, 0, true, 2},
             {256, 5, 1, 2, true, 2},
             {256, 3, 1, 1, false, 1},
             {256, 3, 1, 1, false, 1},
             {256, 3, 1, 1, false, 2}},
            9216};
  if (name == "cnn-m")
    return {{{96, 7, 2, 0, true, 2},
             {256, 5, 2, 1, true, 2},
             {512, 3, 1, 1, false, 1},
             {512, 3, 1, 1, false, 1},
             {512, 3, 1, 1, false, 2}},
            18432};
  if (name == "cnn-s")
    return {{{96, 7, 2, 0, true, 3},
             {256, 5, 1, 1, false, 2},
             {512, 3, 1, 1, false, 1},
             {512, 3, 1, 1, false, 1},
             {512, 3, 1, 1, false, 3}},
            12800};
  throw bad_input("--spec", "unknown CNN '" + name + "' (cnn-f, cnn-m or cnn-s)");
}

}  // namespace

std::vector<LayerShape> alpine_mlp_spec(const MlpSpec& s) {
  // Bounds keep every MAC and weight count far inside int64.
  if (s.width < 1 || s.width > kMaxSize) throw bad_input("--width", "must be 1-1048576");
  if (s.layers < 1 || s.layers > kMaxLayers) throw bad_input("--layers", "must be 1-1000");
  std::vector<LayerShape> out;
  for (int i = 1; i <= s.layers; ++i) {
    out.push_back(gemm("fc" + std::to_string(i), s.width, s.width));
    out.push_back(
        per_element("relu" + std::to_string(i), LayerOp::kElementwise, "relu", s.width, 1));
  }
  return out;
}

std::vector<LayerShape> alpine_lstm_spec(const LstmSpec& s) {
  if (s.inputs < 1 || s.inputs > kMaxSize) throw bad_input("--inputs", "must be 1-1048576");
  if (s.hidden < 1 || s.hidden > kMaxSize) throw bad_input("--hidden", "must be 1-1048576");
  if (s.steps < 1 || s.steps > kMaxSteps) throw bad_input("--steps", "must be 1-1000000");
  LayerShape l;
  l.name = "lstm";
  l.op = LayerOp::kRecurrent;
  l.label = "lstm";
  l.gates = 4;
  l.in_c = s.inputs;
  l.out_c = s.hidden;
  l.steps = s.steps;
  return {l};
}

std::vector<LayerShape> chatfield_cnn_spec(const std::string& name, bool lrn) {
  const Cnn net = cnn(name);
  std::vector<LayerShape> out;
  int hw = 224, c = 3;
  for (std::size_t i = 0; i < net.convs.size(); ++i) {
    const ConvStage& s = net.convs[i];
    const std::string n = std::to_string(i + 1);
    LayerShape l;
    l.name = "conv" + n;
    l.op = LayerOp::kConv;
    l.in_c = c;
    l.out_c = s.out_c;
    l.kernel_h = l.kernel_w = s.k;
    l.stride = s.stride;
    l.in_h = l.in_w = hw;
    hw = (hw - s.k + 2 * s.pad) / s.stride + 1;
    l.out_h = l.out_w = hw;
    c = s.out_c;
    out.push_back(l);
    out.push_back(per_element("relu" + n, LayerOp::kElementwise, "relu", c, hw));
    if (s.lrn && lrn) {
      LayerShape lrn = per_element("lrn" + n, LayerOp::kWindowPool, "lrn", c, hw);
      lrn.kernel_h = 5;  // Chatfield's LRN over 5 channels
      out.push_back(lrn);
    }
    if (s.pool > 1) {
      LayerShape pool = per_element("pool" + n, LayerOp::kWindowPool, "maxpool", c, hw / s.pool);
      pool.in_h = pool.in_w = hw;
      pool.kernel_h = pool.kernel_w = pool.stride = s.pool;
      pool.elements = pool.output_elements();
      out.push_back(pool);
      hw /= s.pool;
    }
  }
  if (c * hw * hw != net.fc6_in)
    throw std::logic_error(name + ": conv5 gives " + std::to_string(c * hw * hw) + " features");
  out.push_back(gemm("fc6", net.fc6_in, 4096));
  out.push_back(per_element("relu6", LayerOp::kElementwise, "relu", 4096, 1));
  out.push_back(gemm("fc7", 4096, 4096));
  out.push_back(per_element("relu7", LayerOp::kElementwise, "relu", 4096, 1));
  out.push_back(gemm("fc8", 4096, 1000));
  LayerShape softmax = per_element("softmax", LayerOp::kSoftmax, "softmax", 1000, 1);
  out.push_back(softmax);
  return out;
}

bool is_alpine_spec(const std::string& name) {
  return name == "alpine-mlp" || name == "alpine-lstm" || name == "cnn-f" || name == "cnn-m" ||
         name == "cnn-s";
}

std::vector<LayerShape> alpine_spec(const std::string& name, const MlpSpec& mlp,
                                    const LstmSpec& lstm, bool lrn) {
  if (name == "alpine-mlp") return alpine_mlp_spec(mlp);
  if (name == "alpine-lstm") return alpine_lstm_spec(lstm);
  if (name == "cnn-f" || name == "cnn-m" || name == "cnn-s") return chatfield_cnn_spec(name, lrn);
  throw bad_input("--spec", "unknown ALPINE workload '" + name +
                                "' (alpine-mlp, alpine-lstm, cnn-f, cnn-m or cnn-s)");
}

}  // namespace aimc::models
