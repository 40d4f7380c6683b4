// The cluster timing and energy model (docs/ARCHITECTURE.md, Cluster timing model): each formula,
// Tile&Pack, and the paper's figures it must reproduce.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/error.h"
#include "engine/hardware/hardware.h"
#include "engine/passes/scenarios.h"
#include "engine/timing/cluster_model.h"
#include "engine/timing/tile_pack.h"

namespace aimc::timing {
namespace {

LayerShape pointwise(int in_c, int out_c, int hw) {
  LayerShape l;
  l.name = "pw";
  l.op = LayerOp::kPointwise;
  l.in_c = in_c;
  l.out_c = out_c;
  l.in_h = l.in_w = l.out_h = l.out_w = hw;
  return l;
}

TEST(TimingFormulas, LayerShapesCountMacsAndWeights) {
  const LayerShape pw = pointwise(96, 576, 14);
  EXPECT_EQ(pw.rows(), 96);
  EXPECT_EQ(pw.cols(), 576);
  EXPECT_EQ(pw.weights(), 96 * 576);
  EXPECT_EQ(pw.macs(), 14 * 14 * 96 * 576);
  LayerShape dw = pw;
  dw.op = LayerOp::kDepthwise;
  dw.in_c = dw.out_c = 576;
  dw.kernel_h = dw.kernel_w = 3;
  EXPECT_EQ(dw.weights(), 9 * 576);
  EXPECT_EQ(dw.macs(), 14 * 14 * 9 * 576);
  EXPECT_EQ(dw.rows(), 9 * 576);  // block-diagonal crossbar matrix
}

TEST(TimingFormulas, JobCyclesPipelinedAndSequential) {
  Hardware h;                    // 500 MHz, 128-bit, pipelined
  EXPECT_EQ(mvm_cycles(h), 65);  // 130 ns
  JobCycles j = ima_job_cycles(h, 256, 256, 0);
  EXPECT_EQ(j.stream_in, 16);  // 256 bytes over 16 bytes per cycle
  EXPECT_EQ(j.stream_out, 16);
  EXPECT_EQ(j.total, 65);  // compute-bound: streaming hidden
  EXPECT_EQ(ima_job_cycles(h, 256, 256, 7).total, 72);
  h.pipelined = false;
  EXPECT_EQ(ima_job_cycles(h, 256, 256, 0).total, 16 + 65 + 16 + h.sequential_overhead_cycles);
  h.freq_mhz = 250;
  EXPECT_EQ(mvm_cycles(h), 33);  // 32.5 cycles, rounded up
}

// The roofline statements, one test each.
bool memory_bound(double freq, int bus) {
  Hardware h;
  h.freq_mhz = freq;
  h.bus_bits = bus;
  const JobCycles j = ima_job_cycles(h, h.ima_rows, h.ima_cols, 0);
  return j.stream_in + j.stream_out > j.compute;
}

TEST(TimingRoofline, At500MHzA64BitBusSufficesAnd32BitIsMemoryBound) {
  EXPECT_FALSE(memory_bound(500, 64));
  EXPECT_TRUE(memory_bound(500, 32));
}

TEST(TimingRoofline, At250MHzA128BitBusIsNeeded) {
  EXPECT_FALSE(memory_bound(250, 128));
  EXPECT_TRUE(memory_bound(250, 64));
}

TEST(TimingRoofline, PipeliningRemovesThe8To40PercentStreamingShare) {
  for (auto [freq, bus] :
       {std::pair{500.0, 128}, {500.0, 256}, {500.0, 512}, {250.0, 256}, {250.0, 512}}) {
    Hardware h;
    h.freq_mhz = freq;
    h.bus_bits = bus;
    h.pipelined = false;
    const JobCycles seq = ima_job_cycles(h, 256, 256, 0);
    const double share = (seq.stream_in + seq.stream_out) / seq.total;
    EXPECT_GE(share, 0.08) << freq << " MHz, " << bus << " bit";
    EXPECT_LE(share, 0.40) << freq << " MHz, " << bus << " bit";
    h.pipelined = true;
    EXPECT_EQ(ima_job_cycles(h, 256, 256, 0).total, seq.compute) << "pipelined: compute only";
  }
}

TEST(TimingPeak, FullPointwiseLayerAt250MHzPipelinedReaches958Gops) {
  Hardware h;
  h.freq_mhz = 250;
  const TimingReport r = estimate_scenario({pointwise(256, 256, 14)}, h, Scenario::kMultiArray);
  const double gops = 2.0 * r.layers[0].macs / (r.latency_ms * 1e-3) / 1e9;
  EXPECT_NEAR(gops, 958, 0.05 * 958) << gops;
  EXPECT_LE(gops, 1008);  // below the 1.008 TOPS peak of one 256×256 MVM per 130 ns
}

TEST(TilePack, SplitsIntoTilesAndPacksSmallOnesTogether) {
  const auto tiles = split_into_tiles(0, 600, 300, 256, 256);
  ASSERT_EQ(tiles.size(), 6u);
  EXPECT_EQ(tiles.back().rows, 88);
  EXPECT_EQ(tiles.back().cols, 44);
  // Four 128×128 tiles fill one array exactly; a fifth needs another.
  std::vector<Tile> quarter(4, Tile{0, 128, 128});
  EXPECT_EQ(tile_and_pack(quarter, 256, 256).arrays, 1);
  quarter.push_back({1, 128, 128});
  const PackResult p = tile_and_pack(quarter, 256, 256);
  EXPECT_EQ(p.arrays, 2);
  EXPECT_EQ(p.mapped_weights, 5 * 128 * 128);
  // No two tiles of one array overlap.
  for (std::size_t a = 0; a < p.tiles.size(); ++a)
    for (std::size_t b = a + 1; b < p.tiles.size(); ++b) {
      if (p.placements[a].array != p.placements[b].array) continue;
      const bool apart = p.placements[a].row + p.tiles[a].rows <= p.placements[b].row ||
                         p.placements[b].row + p.tiles[b].rows <= p.placements[a].row ||
                         p.placements[a].col + p.tiles[a].cols <= p.placements[b].col ||
                         p.placements[b].col + p.tiles[b].cols <= p.placements[a].col;
      EXPECT_TRUE(apart) << a << " and " << b;
    }
}

TEST(TimingHardware, BadOrUnknownValuesNameTheKey) {
  EXPECT_THROW(hardware_from_json({{"freq_mhz", -5}}, "hw.json"), BadInput);
  EXPECT_THROW(hardware_from_json({{"bus_bits", 100.5}}, "hw.json"), BadInput);
  EXPECT_THROW(hardware_from_json({{"pipelined", 1}}, "hw.json"), BadInput);
  try {
    hardware_from_json({{"mvm_nz", 130}}, "hw.json");
    FAIL();
  } catch (const BadInput& e) {
    EXPECT_NE(std::string(e.what()).find("mvm_nz"), std::string::npos);
  }
  const Hardware h = hardware_from_json({{"freq_mhz", 250}, {"bus_bits", 64}}, "hw.json");
  EXPECT_EQ(h.freq_mhz, 250);
  EXPECT_EQ(h.bus_bits, 64);
  EXPECT_EQ(h.mvm_ns, 130);  // the rest keep the paper's values
  EXPECT_EQ(hardware_to_json(h)["bus_bits"], 64);
  const nlohmann::json sources = hardware_sources();
  EXPECT_GE(sources.size(), 25u);
  for (auto it = sources.begin(); it != sources.end(); ++it)
    EXPECT_FALSE((*it)["source"].get<std::string>().empty()) << it.key();
}

}  // namespace
}  // namespace aimc::timing
