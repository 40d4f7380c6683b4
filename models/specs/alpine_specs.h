#pragma once
// Programmatic workloads of the ALPINE paper for its cost model (no
// weights needed): MLPs, an LSTM costed per time step with its gate columns
// interleaved per hidden unit, and the CNN-F, CNN-M and CNN-S networks of
// Chatfield et al. ("Return of the devil in the details", 2014) on a
// 224×224×3 input, with TinyTensorLib's integer size rule
// out = (in − k + 2p)/s + 1 and pool = in / factor.
#include <string>
#include <vector>

#include "engine/timing/layer_shape.h"

namespace aimc::models {

struct MlpSpec {
  int width = 1024;  // every layer width × width
  int layers = 2;    // matrix layers, each followed by a ReLU
};
std::vector<timing::LayerShape> alpine_mlp_spec(const MlpSpec& s);

struct LstmSpec {
  int inputs = 512, hidden = 512, steps = 28;
};
// One LSTM layer (its [W;R] on one crossbar matrix of (inputs + hidden) rows
// and 4·hidden columns); the steps are serial.
std::vector<timing::LayerShape> alpine_lstm_spec(const LstmSpec& s);

// "cnn-f", "cnn-m", "cnn-s": conv1..conv5 with their ReLU and max pools,
// fc6..fc8 with ReLU, softmax; with `lrn`, Chatfield's local response
// normalizations after conv1 and conv2 (CNN-F, CNN-M; CNN-S after conv1),
// which TinyTensorLib's multi-core pipeline, the code ALPINE ran, leaves
// out. BadInput for other names.
std::vector<timing::LayerShape> chatfield_cnn_spec(const std::string& name, bool lrn = false);

// The names `aimc timing --spec` knows for the ALPINE system.
bool is_alpine_spec(const std::string& name);
// alpine-mlp, alpine-lstm (their defaults), cnn-f, cnn-m, cnn-s.
std::vector<timing::LayerShape> alpine_spec(const std::string& name, const MlpSpec& mlp = {},
                                            const LstmSpec& lstm = {}, bool lrn = false);

}  // namespace aimc::models
