#pragma once
// Cycles, time and energy of each layer on the seed cluster (docs/ARCHITECTURE.md, Cluster timing
// model), each layer on the unit its placement annotation names.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/hardware/hardware.h"
#include "engine/timing/layer_shape.h"
#include "engine/timing/tile_pack.h"

namespace aimc::timing {

// What the hardware is, not where layers run: one IMA whose jobs the cores
// issue and synchronise, or many pre-programmed arrays (Tile&Pack) fed by a
// streamer, with the depthwise accelerator running alongside.
enum class System { kSingleIma, kMultiArray };

std::string system_name(System s);  // "single-ima", "multi-array"

// The system a run with its own placement is costed on: the multi-array one
// (a whole network needs many arrays), or the single IMA when depthwise
// convs run on the crossbar in C_job blocks (the paper's cjob mapping).
System system_for(const std::vector<LayerShape>& layers);

// One IMA job using `rows` inputs and `cols` outputs: STREAM-IN, COMPUTE
// (one MVM) and STREAM-OUT on the shared bus; pipelined jobs overlap the
// phases of consecutive jobs (time = max(compute, streaming)), sequential
// ones add them and a few cycles of FIFO/setup. `overhead`: the cycles each
// job costs beyond that (issuing it).
struct JobCycles {
  double compute = 0, stream_in = 0, stream_out = 0, total = 0;
};
JobCycles ima_job_cycles(const Hardware& h, int64_t rows, int64_t cols, double overhead);
double mvm_cycles(const Hardware& h);  // ceil(mvm_ns · f)

struct LayerCost {
  std::string name, op, unit;  // unit: its placement's (unit_name)
  int64_t macs = 0, params = 0, jobs = 0;
  int arrays = 0;  // multi-array: arrays holding the layer's tiles
  double cycles = 0, latency_us = 0, energy_uj = 0;
  bool overlapped = false;  // runs concurrently with the arrays (not on the critical path)
};

// A layer the model cannot cost (an op without a cost model, a shape only
// known at run time): listed, and left out of the totals.
struct UncostedLayer {
  std::string name, op, reason;
};

struct TimingReport {
  System system = System::kSingleIma;
  double freq_mhz = 0;
  std::vector<LayerCost> layers;
  std::vector<UncostedLayer> uncosted;
  // Hardware keys of assumed per-element rates some layer was costed with
  // beyond the residual add and the pooling (activation, softmax, copy).
  std::vector<std::string> assumed_rates;
  double cycles = 0, latency_ms = 0, energy_uj = 0, inferences_per_second = 0;
  int arrays = 0;
  int64_t mapped_params = 0;  // weights on crossbars
  double mmac = 0;
  double array_utilization = 0;
};

TimingReport estimate(const std::vector<LayerShape>& layers, const Hardware& h, System system);

}  // namespace aimc::timing
