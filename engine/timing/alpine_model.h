#pragma once
// Cycles, time and energy of each layer on the ALPINE system
// (docs/ARCHITECTURE.md, ALPINE cost model): in-order ARM cores, each with
// one analog tile it drives through CM_QUEUE / CM_PROCESS / CM_DEQUEUE
// (tightly coupled), the same cores running int8 NEON code (digital), or a
// memory-mapped accelerator of a few tiles (loosely coupled).
#include <cstdint>
#include <string>
#include <vector>

#include "engine/hardware/alpine_hardware.h"
#include "engine/timing/alpine_plan.h"
#include "engine/timing/cluster_model.h"
#include "engine/timing/layer_shape.h"

namespace aimc::timing {

enum class AlpineScenario { kDigital, kTight, kLoose };
enum class AlpineMapping { kSingle, kPipeline, kSplit };
// The loosely coupled accelerator's interface: one int8 per memory-mapped
// access, or a DMA transfer started by a driver call.
enum class LooseInterface { kDma, kMmio };

std::string alpine_scenario_name(AlpineScenario s);  // digital, tc, lc
std::string alpine_mapping_name(AlpineMapping m);    // single, pipeline, split
// BadInput naming `option` for other words.
AlpineScenario parse_alpine_scenario(const std::string& word, const std::string& option);
AlpineMapping parse_alpine_mapping(const std::string& word, const std::string& option);
LooseInterface parse_loose_interface(const std::string& word, const std::string& option);

struct AlpineOptions {
  AlpineScenario scenario = AlpineScenario::kTight;
  // single: one inference at a time, layer after layer, each weight layer on
  // the cores its tiles sit on (the digital baseline: one core);
  // pipeline: one stage per core (a weight layer and the layers after it
  // until the next weight layer), throughput set by the slowest stage;
  // split: every layer's columns (hidden units) divided over the cores.
  AlpineMapping mapping = AlpineMapping::kSingle;
  int cores = 0;  // 0: the hardware's
  LooseInterface loose = LooseInterface::kDma;
};

// cyc(ns) = ceil(ns · f / 1000): a fixed latency in whole core cycles.
double alpine_cycles(double ns, double freq_mhz);
// Q(k) = ceil(k/qb)·(q + qb·s_pack): CM_QUEUE of k inputs with AIMClib's packing.
double queue_cycles(const AlpineHardware& h, int64_t k);
// D(n) = ceil(n/db)·(d + db·s_unpack).
double dequeue_cycles(const AlpineHardware& h, int64_t n);
// Q(k) + p + D(n): an in-order core blocks on CM_PROCESS.
double tile_cycles(const AlpineHardware& h, int64_t k, int64_t n);
// One MVM of a programmed rows × cols array: scale · 2·R·C / (TOPS/W), nJ.
double mvm_energy_nj(const AlpineHardware& h, int64_t rows, int64_t cols);
// 2·R·C / mvm_ns: the array's peak, in TOPS.
double tile_peak_tops(const AlpineHardware& h, int64_t rows, int64_t cols);

// Instructions of the ISA extension, per inference.
struct TileOps {
  int64_t queue = 0, process = 0, dequeue = 0, paramwrite = 0;
  TileOps& operator+=(const TileOps& o);
};

struct AlpineLayerCost {
  std::string name, op, unit;     // unit: "tile" or "cores"
  int stage = 0;                  // pipeline: the core its stage runs on (0 otherwise)
  int first_core = 0, cores = 1;  // the cores it occupies
  int tiles = 0;                  // arrays holding its weights
  int64_t macs = 0, vectors = 0;
  TileOps ops;
  double cycles = 0;  // its time on the critical path, per inference
  double busy_core_cycles = 0, stall_core_cycles = 0;  // summed over its cores
  double programming_cycles = 0;  // count_programming: writing its weights, per inference
  int64_t dram_lines = 0;
  double mvm_energy_nj = 0;
};

struct AlpineReport {
  AlpineScenario scenario = AlpineScenario::kTight;
  AlpineMapping mapping = AlpineMapping::kSingle;
  double freq_mhz = 0;
  int cores = 0, tiles = 0;
  std::vector<AlpineLayerCost> layers;
  std::vector<UncostedLayer> uncosted;
  std::vector<double> stage_cycles;  // pipeline: each stage's time
  double latency_cycles = 0;         // one inference from input to output
  double period_cycles = 0;          // between inferences in steady state
  double energy_uj = 0;              // per inference
  double core_energy_uj = 0, uncore_energy_uj = 0, tile_energy_uj = 0, dram_energy_uj = 0;
  TileOps ops;
  double mmac = 0;
  // The time a speed-up compares: the period for a pipeline, the latency otherwise.
  double time_cycles() const {
    return mapping == AlpineMapping::kPipeline ? period_cycles : latency_cycles;
  }
  double time_us() const { return time_cycles() / freq_mhz; }
  std::string metric() const { return mapping == AlpineMapping::kPipeline ? "period" : "latency"; }
};

// The layers as `plan` (the placement pass, engine/passes/place_alpine.h)
// puts them, one placement per layer; uncosted layers are listed, not costed.
AlpineReport estimate_alpine(const std::vector<LayerShape>& layers, const AlpinePlan& plan,
                             const AlpineHardware& h, const AlpineOptions& o);

}  // namespace aimc::timing
