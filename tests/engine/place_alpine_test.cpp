// The ALPINE placement pass: which cores hold each layer's tiles, how the
// split mapping and the digital baseline divide a layer, pipeline stages
// (merged when there are more stages than cores), and the loosely coupled
// accelerator's layers.
#include <gtest/gtest.h>

#include "engine/error.h"
#include "engine/passes/place_alpine.h"

namespace aimc {
namespace {

using timing::AlpineMapping;
using timing::AlpineOptions;
using timing::AlpineScenario;
using timing::LayerOp;
using timing::LayerShape;

LayerShape gemm(const std::string& name, int k, int n) {
  LayerShape l;
  l.name = name;
  l.op = LayerOp::kGemm;
  l.in_c = k;
  l.out_c = n;
  return l;
}

LayerShape relu(const std::string& name, int n) {
  LayerShape l;
  l.name = name;
  l.op = LayerOp::kElementwise;
  l.label = "relu";
  l.elements = n;
  return l;
}

AlpineHardware tiles_of(int size) {
  AlpineHardware h;
  h.tile_rows = h.tile_cols = size;
  return h;
}

TEST(PlaceAlpine, EachLayersTilesOnCoresOfItsOwn) {
  const std::vector<LayerShape> mlp = {gemm("fc1", 512, 512), relu("r1", 512),
                                       gemm("fc2", 512, 256)};
  const AlpinePlan p = place_alpine(mlp, tiles_of(256), {});
  ASSERT_EQ(p.layers.size(), 3u);
  EXPECT_TRUE(p.layers[0].on_tiles);
  EXPECT_EQ(p.layers[0].first_core, 0);
  EXPECT_EQ(p.layers[0].cores, 4);  // 2 x 2 tiles of 256
  EXPECT_FALSE(p.layers[1].on_tiles);
  EXPECT_EQ(p.layers[2].first_core, 4);
  EXPECT_EQ(p.layers[2].tiles, 2);
  // The digital baseline divides each layer over the same cores.
  AlpineOptions d;
  d.scenario = AlpineScenario::kDigital;
  const AlpinePlan q = place_alpine(mlp, tiles_of(256), d);
  EXPECT_FALSE(q.layers[0].on_tiles);
  EXPECT_EQ(q.layers[0].split, 4);
  EXPECT_EQ(q.layers[2].split, 2);
}

TEST(PlaceAlpine, SplitNeedsATileOnEveryCoreForEveryLayer) {
  AlpineOptions o;
  o.mapping = AlpineMapping::kSplit;
  AlpineHardware h = tiles_of(0);
  const std::vector<LayerShape> two = {gemm("fc1", 256, 256), gemm("fc2", 256, 256)};
  EXPECT_THROW(place_alpine(two, h, o), BadInput);  // one tile per core
  h.tiles_per_core = 2;
  const AlpinePlan p = place_alpine(two, h, o);
  EXPECT_EQ(p.layers[1].split, 8);
  EXPECT_EQ(p.layers[1].tiles, 8);
}

TEST(PlaceAlpine, PipelineStagesOpenAtMatrixLayersAndMergeOntoFewerCores) {
  AlpineOptions o;
  o.mapping = AlpineMapping::kPipeline;
  o.scenario = AlpineScenario::kDigital;
  o.cores = 2;
  const std::vector<LayerShape> net = {gemm("a", 64, 64), relu("ra", 64), gemm("b", 64, 64),
                                       gemm("c", 64, 64), gemm("d", 64, 64)};
  const AlpinePlan p = place_alpine(net, tiles_of(0), o);
  EXPECT_EQ(p.stages, 4);
  EXPECT_EQ(p.layers[1].stage, p.layers[0].stage);  // the ReLU joins its layer
  EXPECT_EQ(p.layers[0].stage, 0);
  EXPECT_EQ(p.layers[2].stage, 0);  // stages 0, 1 on core 0; 2, 3 on core 1
  EXPECT_EQ(p.layers[3].stage, 1);
  EXPECT_EQ(p.layers[4].stage, 1);
}

TEST(PlaceAlpine, LooselyCoupledAcceleratorTakesTheFirstGemmsAndTheirRelus) {
  AlpineOptions o;
  o.scenario = AlpineScenario::kLoose;
  const std::vector<LayerShape> mlp = {gemm("fc1", 64, 64), relu("r1", 64), gemm("fc2", 64, 64),
                                       relu("r2", 64), gemm("fc3", 64, 10)};
  const AlpinePlan p = place_alpine(mlp, AlpineHardware{}, o);  // lc_tiles 2
  for (int i : {0, 1, 2, 3}) EXPECT_TRUE(p.layers[static_cast<std::size_t>(i)].on_accelerator);
  EXPECT_FALSE(p.layers[4].on_accelerator);
}

}  // namespace
}  // namespace aimc
