// The ALPINE cost model: the exact figures the ISA extension and the tile
// give (MVM cycles at each operating point, queue/dequeue bandwidth, the
// instructions of a 1024-wide vector, programming a tile, the tile's peak
// and energy), the formulas for sizes that are not multiples of 4, LSTM
// instruction counts, mappings, and refusal of bad hardware descriptions.
#include <gtest/gtest.h>

#include "engine/error.h"
#include "engine/hardware/alpine_hardware.h"
#include "engine/hardware/hardware.h"
#include "engine/passes/place_alpine.h"
#include "engine/timing/alpine_model.h"

namespace aimc::timing {
namespace {

AlpineHardware at(double mhz) {
  AlpineHardware h;
  h.freq_mhz = mhz;
  return h;
}

// The placement pass, then the cost model on its plan.
AlpineReport cost(const std::vector<LayerShape>& layers, const AlpineHardware& h,
                  const AlpineOptions& o) {
  return estimate_alpine(layers, place_alpine(layers, h, o), h, o);
}

LayerShape gemm(int k, int n) {
  LayerShape l;
  l.name = "fc";
  l.op = LayerOp::kGemm;
  l.in_c = k;
  l.out_c = n;
  return l;
}

TEST(AlpineTiming, MvmAndTransferCyclesAtEachOperatingPoint) {
  const AlpineHardware h;
  EXPECT_EQ(alpine_cycles(h.mvm_ns, 800), 80);
  EXPECT_EQ(alpine_cycles(h.mvm_ns, 2000), 200);
  EXPECT_EQ(alpine_cycles(h.mvm_ns, 2300), 230);
  EXPECT_EQ(alpine_cycles(h.queue_op_ns, 800), 1);
  EXPECT_EQ(alpine_cycles(h.queue_op_ns, 2000), 2);
  EXPECT_EQ(alpine_cycles(h.queue_op_ns, 2300), 3);
  // 4 bytes per 1 ns instruction: 4 GB/s per core, either way.
  EXPECT_DOUBLE_EQ(h.queue_bytes / h.queue_op_ns, 4.0);
  EXPECT_DOUBLE_EQ(h.dequeue_bytes / h.dequeue_op_ns, 4.0);
}

TEST(AlpineTiming, QueueAndDequeueRoundUpToWholeWords) {
  AlpineHardware h = at(2000);
  h.sw_pack_cycles_per_byte = 1.5;
  h.sw_unpack_cycles_per_byte = 0.5;
  // k = 10: 3 instructions of 2 cycles, each packing 4 bytes at 1.5.
  EXPECT_DOUBLE_EQ(queue_cycles(h, 10), 3 * (2 + 4 * 1.5));
  EXPECT_DOUBLE_EQ(dequeue_cycles(h, 7), 2 * (2 + 4 * 0.5));
  EXPECT_DOUBLE_EQ(tile_cycles(h, 10, 7), 3 * (2 + 6) + 200 + 2 * (2 + 2));
}

TEST(AlpineTiming, A1024VectorOnA1024TileIs256Queue1Process256Dequeue) {
  AlpineHardware h = at(2000);
  h.tile_rows = h.tile_cols = 1024;
  h.sw_pack_cycles_per_byte = h.sw_unpack_cycles_per_byte = 0;
  h.sw_requant_cycles_per_element = h.sw_acc_cycles_per_element = 0;
  h.layer_call_overhead_cycles = 0;
  h.count_programming = true;
  const AlpineReport r = cost({gemm(1024, 1024)}, h, {});
  EXPECT_EQ(r.ops.queue, 256);
  EXPECT_EQ(r.ops.process, 1);
  EXPECT_EQ(r.ops.dequeue, 256);
  EXPECT_EQ(r.ops.paramwrite, 1048576);  // CM_INITIALIZE, one weight each
  // The custom units' busy time with no software around them: 256 + 100 + 256 ns.
  EXPECT_DOUBLE_EQ(r.layers[0].cycles - r.layers[0].programming_cycles, 2 * 612.0);
  EXPECT_DOUBLE_EQ(r.layers[0].programming_cycles, 1048576.0 * 2);  // >= 1.05 ms at 1 ns
}

TEST(AlpineTiming, ReferenceTilePeakAndMvmEnergy) {
  AlpineHardware h;
  h.aimc_energy_scale = 1;
  EXPECT_NEAR(tile_peak_tops(h, 256, 256), 1.31072, 1e-9);
  EXPECT_NEAR(mvm_energy_nj(h, 256, 256), 10.24, 1e-9);
  h.aimc_energy_scale = 5.3;
  EXPECT_NEAR(mvm_energy_nj(h, 256, 256), 54.272, 1e-9);
}

TEST(AlpineTiming, LstmStepIsOneQueuePassOneProcessAndAllGatesDequeued) {
  AlpineHardware h;
  LayerShape l;
  l.name = "lstm";
  l.op = LayerOp::kRecurrent;
  l.gates = 4;
  l.in_c = 30;
  l.out_c = 20;
  l.steps = 7;
  const AlpineReport r = cost({l}, h, {});
  // Per step ceil((n_x + n_h)/4) + 1 + n_h: gates interleaved, 4 per word.
  EXPECT_EQ(r.ops.queue, 7 * 13);
  EXPECT_EQ(r.ops.process, 7);
  EXPECT_EQ(r.ops.dequeue, 7 * 20);
  EXPECT_EQ(r.layers[0].macs, 7LL * 50 * 80);
}

TEST(AlpineTiming, LayersTooLargeForTheCoresAreRefusedNamingTheLayer) {
  AlpineHardware h;
  h.tile_rows = h.tile_cols = 256;  // 1024x1024 needs 16 tiles, one per core
  try {
    cost({gemm(1024, 1024)}, h, {});
    FAIL() << "accepted";
  } catch (const BadInput& e) {
    EXPECT_NE(std::string(e.what()).find("fc"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("does not fit"), std::string::npos) << e.what();
  }
  h.count_programming = true;  // reprogramming every inference lifts the limit
  EXPECT_NO_THROW(cost({gemm(1024, 1024)}, h, {}));
}

TEST(AlpineTiming, PipelinePeriodIsTheSlowestStagePlusAHandOff) {
  AlpineHardware h;
  AlpineOptions o;
  o.mapping = AlpineMapping::kPipeline;
  const AlpineReport r = cost({gemm(512, 512), gemm(512, 64)}, h, o);
  ASSERT_EQ(r.stage_cycles.size(), 2u);
  EXPECT_DOUBLE_EQ(r.period_cycles, std::max(r.stage_cycles[0], r.stage_cycles[1]) + h.sync_cycles);
  EXPECT_DOUBLE_EQ(r.latency_cycles, r.stage_cycles[0] + r.stage_cycles[1] + h.sync_cycles);
  EXPECT_EQ(r.metric(), "period");
}

TEST(AlpineTiming, SlowerClocksFavourTheTileAndALongerMvmAddsOnlyItsOwnCycles) {
  // The MVM is a fixed 100 ns while the NEON code scales with 1/f.
  const auto layers = std::vector<LayerShape>{gemm(1024, 1024)};
  auto speedup = [&](const AlpineHardware& h) {
    AlpineOptions d;
    d.scenario = AlpineScenario::kDigital;
    return cost(layers, h, d).time_cycles() / cost(layers, h, {}).time_cycles();
  };
  AlpineHardware h = at(2300);
  EXPECT_GT(speedup(at(800)), speedup(h));
  const double before = cost(layers, h, {}).time_cycles();
  h.mvm_ns *= 10;  // the in-order core waits 9 x 230 cycles longer, nothing else changes
  EXPECT_DOUBLE_EQ(cost(layers, h, {}).time_cycles() - before, 9 * 230.0);
}

TEST(AlpineTiming, LooselyCoupledRefusesOtherMappingsAndNonGemmLayers) {
  AlpineHardware h;
  AlpineOptions o;
  o.scenario = AlpineScenario::kLoose;
  o.mapping = AlpineMapping::kPipeline;
  EXPECT_THROW(cost({gemm(64, 64)}, h, o), BadInput);
  o.mapping = AlpineMapping::kSingle;
  LayerShape conv = gemm(64, 64);
  conv.op = LayerOp::kConv;
  EXPECT_THROW(cost({conv}, h, o), BadInput);
  // The DMA variant: driver call, bytes in and out, an MVM and a transfer per layer.
  const AlpineReport r = cost({gemm(64, 32)}, h, o);
  const double ns = h.lc_driver_overhead_us * 1000 + 96 / h.dram_gbps + h.mvm_ns + 32;
  EXPECT_NEAR(r.latency_cycles, ns * h.freq_mhz / 1000, 1e-6);
}

TEST(AlpineTiming, EveryKeyHasASourceAndTheCalibratedOnesAreNamed) {
  const nlohmann::json s = alpine_hardware_sources();
  for (const auto& [key, v] : s.items()) EXPECT_FALSE(v["source"].get<std::string>().empty());
  EXPECT_EQ(alpine_calibrated_keys(),
            (std::vector<std::string>{"sw_int8_mac_per_cycle", "lc_driver_overhead_us"}));
}

std::string refusal(const nlohmann::json& j) {
  try {
    alpine_hardware_from_json(j, "hw.json");
  } catch (const BadInput& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(AlpineTiming, BadDescriptionsAreRefusedNamingTheKey) {
  EXPECT_NE(refusal({{"freq_mhz", 0}}).find("freq_mhz"), std::string::npos);
  EXPECT_NE(refusal({{"no_such_key", 1}}).find("no_such_key"), std::string::npos);
  EXPECT_NE(refusal({{"sw_int8_mac_per_cycle", 17}}).find("sw_int8_mac_per_cycle"),
            std::string::npos);
  EXPECT_NE(refusal({{"tiles_per_core", "one"}}).find("tiles_per_core"), std::string::npos);
  EXPECT_NE(refusal({{"system", "pulp"}}).find("system"), std::string::npos);
  EXPECT_EQ(refusal({{"system", "alpine"}, {"cores", 4}}), "(accepted)");
  // The cluster's loader refuses an ALPINE description by its system key.
  try {
    hardware_from_json({{"system", "alpine"}}, "alpine.json");
    FAIL() << "accepted";
  } catch (const BadInput& e) {
    EXPECT_NE(std::string(e.what()).find("system"), std::string::npos);
  }
}

TEST(AlpineTiming, PresetsAreRecognisedAndTheLowPowerPointRunsAt800MHz) {
  EXPECT_TRUE(is_alpine_hardware("alpine-hp"));
  EXPECT_TRUE(is_alpine_hardware("alpine-lp"));
  EXPECT_FALSE(is_alpine_hardware("seed-cluster"));
  EXPECT_EQ(load_alpine_hardware("alpine-lp").freq_mhz, 800);
  EXPECT_EQ(load_alpine_hardware("alpine-hp").freq_mhz, 2300);
  EXPECT_EQ(AlpineHardware{}.cores, 8);
  EXPECT_EQ(AlpineHardware{}.tiles_per_core, 1);
}

}  // namespace
}  // namespace aimc::timing
