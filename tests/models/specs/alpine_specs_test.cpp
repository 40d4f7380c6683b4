// The ALPINE workloads: the CNN-F/M/S MAC totals of the layer table (Chatfield
// et al. with TinyTensorLib's size rule), their spatial sizes, and the MLP
// and LSTM specs' shapes.
#include "models/specs/alpine_specs.h"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/error.h"

namespace aimc::models {
namespace {

double mmac(const std::vector<timing::LayerShape>& layers, bool conv_only = false) {
  double m = 0;
  for (const auto& l : layers)
    if (!conv_only || l.op == timing::LayerOp::kConv) m += double(l.macs());
  return m / 1e6;
}

const timing::LayerShape& layer(const std::vector<timing::LayerShape>& ls, const std::string& n) {
  for (const auto& l : ls)
    if (l.name == n) return l;
  throw std::logic_error("no layer " + n);
}

TEST(AlpineSpecs, ChatfieldMacTotalsMatchTheLayerTable) {
  EXPECT_NEAR(mmac(chatfield_cnn_spec("cnn-f")), 724.0, 0.05);
  EXPECT_NEAR(mmac(chatfield_cnn_spec("cnn-f"), true), 665.4, 0.05);
  EXPECT_NEAR(mmac(chatfield_cnn_spec("cnn-m")), 1676.2, 0.05);
  EXPECT_NEAR(mmac(chatfield_cnn_spec("cnn-s")), 2655.8, 0.05);
}

TEST(AlpineSpecs, ChatfieldSpatialSizesAndPatchSizes) {
  const auto f = chatfield_cnn_spec("cnn-f");
  EXPECT_EQ(layer(f, "conv1").out_h, 54);
  EXPECT_EQ(layer(f, "conv2").rows(), 1600);
  EXPECT_EQ(layer(f, "conv2").out_h, 27);
  EXPECT_EQ(layer(f, "conv3").out_h, 13);
  EXPECT_EQ(layer(f, "fc6").rows(), 9216);
  const auto m = chatfield_cnn_spec("cnn-m");
  EXPECT_EQ(layer(m, "conv1").out_h, 109);
  EXPECT_EQ(layer(m, "conv2").out_h, 26);
  EXPECT_EQ(layer(m, "conv4").rows(), 4608);
  const auto s = chatfield_cnn_spec("cnn-s");
  EXPECT_EQ(layer(s, "conv2").out_h, 34);
  EXPECT_EQ(layer(s, "conv3").out_h, 17);
  EXPECT_EQ(layer(s, "fc6").rows(), 12800);
  EXPECT_THROW(chatfield_cnn_spec("cnn-x"), BadInput);
}

TEST(AlpineSpecs, MlpAndLstmShapes) {
  const auto mlp = alpine_mlp_spec({1024, 3});
  ASSERT_EQ(mlp.size(), 6u);
  EXPECT_EQ(mlp[0].macs(), 1048576);
  EXPECT_EQ(mlp[1].op_label(), "relu");
  const auto lstm = alpine_lstm_spec({28, 128, 28});
  ASSERT_EQ(lstm.size(), 1u);
  EXPECT_EQ(lstm[0].rows(), 156);
  EXPECT_EQ(lstm[0].cols(), 512);
  EXPECT_EQ(lstm[0].macs(), 28LL * 156 * 512);
  EXPECT_THROW(alpine_spec("alpine-gru"), BadInput);
  EXPECT_THROW(alpine_mlp_spec({0, 2}), BadInput);
  EXPECT_THROW(alpine_mlp_spec({(1 << 20) + 1, 2}), BadInput);
  EXPECT_THROW(alpine_mlp_spec({64, 1001}), BadInput);
  EXPECT_THROW(alpine_lstm_spec({28, 128, 0}), BadInput);
  EXPECT_NO_THROW(alpine_lstm_spec({1 << 20, 1, 1}));
}

}  // namespace
}  // namespace aimc::models
