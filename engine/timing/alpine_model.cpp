#include "engine/timing/alpine_model.h"

#include <algorithm>
#include <cmath>

#include "engine/error.h"
#include "engine/timing/alpine_layer_cost.h"
#include "engine/timing/alpine_loose.h"

namespace aimc::timing {
namespace {

// A small tolerance keeps ceil() from rounding 80.0000000001 up to 81.
constexpr double kCycleSlack = 1e-9;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Layers grouped into pipeline stages: a matrix layer opens a stage and the
// per-element layers after it (activation, pooling, LRN) join it; layers
// before the first matrix layer join the first stage.
std::vector<int> stage_of_layers(const std::vector<LayerShape>& layers) {
  std::vector<int> stage(layers.size(), 0);
  int current = -1;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (has_matrix(layers[i])) ++current;
    stage[i] = std::max(current, 0);
  }
  return stage;
}

// Contiguous stages merged onto `cores` cores when there are more stages
// than cores (the digital baseline; tiles never share a core's array).
std::vector<int> core_of_stages(int stages, int cores) {
  std::vector<int> core(static_cast<std::size_t>(stages));
  for (int s = 0; s < stages; ++s)
    core[static_cast<std::size_t>(s)] =
        stages <= cores ? s : static_cast<int>(int64_t{s} * cores / stages);
  return core;
}

bool weights_exceed_l2(const AlpineHardware& h, const std::vector<LayerShape>& layers) {
  int64_t bytes = 0;
  for (const auto& l : layers)
    if (has_matrix(l)) bytes += l.weights();
  return double(bytes) > h.l2_kib * 1024.0;
}

// Refuses a placement whose tiles do not fit the cores, naming the layer
// that does not fit (unless every inference reprograms the tiles).
void check_tiles_fit(const AlpineHardware& h, const std::vector<LayerShape>& layers,
                     const std::vector<int>& cores_of_layer, int cores) {
  if (h.count_programming) return;
  if (h.tiles_per_core == 0)
    throw bad_input("tiles_per_core", "is 0: no tiles to run the tightly coupled scenario on");
  int used = 0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    used += cores_of_layer[i];
    if (used > cores)
      throw bad_input(layers[i].name, "does not fit: its weights need tiles on core " +
                                          std::to_string(used) + " of " + std::to_string(cores) +
                                          " (more cores, larger tiles or count_programming)");
  }
}

void add_energy(const AlpineHardware& h, AlpineReport& r) {
  double busy = 0, stall = 0, tile_nj = 0;
  int64_t lines = 0;
  for (const auto& l : r.layers) {
    busy += l.busy_core_cycles;
    stall += l.stall_core_cycles;
    tile_nj += l.mvm_energy_nj;
    lines += l.dram_lines;
  }
  const double t = r.time_cycles();
  const double idle = std::max(0.0, double(r.cores) * t - busy - stall);
  // mW × µs = nJ; cycles / MHz = µs.
  const double f = r.freq_mhz;
  r.core_energy_uj =
      (h.core_active_mw * busy + h.core_stall_mw * stall + h.core_idle_mw * idle) / f / 1000.0;
  r.uncore_energy_uj = h.uncore_mw * t / f / 1000.0;
  r.tile_energy_uj = tile_nj / 1000.0;
  r.dram_energy_uj = double(lines) * h.dram_pj_per_access / 1e6;
  r.energy_uj = r.core_energy_uj + r.uncore_energy_uj + r.tile_energy_uj + r.dram_energy_uj;
}

AlpineLayerCost element_layer_cost(const AlpineHardware& h, const LayerShape& l, int split) {
  AlpineLayerCost c;
  c.name = l.name;
  c.op = l.op_label();
  c.unit = "cores";
  c.cores = split;
  const double work = element_cycles(h, l);
  c.cycles = work / split;
  c.busy_core_cycles = work;
  return c;
}

}  // namespace

std::string alpine_scenario_name(AlpineScenario s) {
  return s == AlpineScenario::kDigital ? "digital" : s == AlpineScenario::kTight ? "tc" : "lc";
}

std::string alpine_mapping_name(AlpineMapping m) {
  return m == AlpineMapping::kSingle     ? "single"
         : m == AlpineMapping::kPipeline ? "pipeline"
                                         : "split";
}

AlpineScenario parse_alpine_scenario(const std::string& w, const std::string& option) {
  if (w == "digital") return AlpineScenario::kDigital;
  if (w == "tc") return AlpineScenario::kTight;
  if (w == "lc") return AlpineScenario::kLoose;
  throw bad_input(option, "unknown ALPINE scenario '" + w + "' (digital, tc or lc)");
}

AlpineMapping parse_alpine_mapping(const std::string& w, const std::string& option) {
  if (w == "single") return AlpineMapping::kSingle;
  if (w == "pipeline") return AlpineMapping::kPipeline;
  if (w == "split") return AlpineMapping::kSplit;
  throw bad_input(option, "unknown mapping '" + w + "' (single, pipeline or split)");
}

LooseInterface parse_loose_interface(const std::string& w, const std::string& option) {
  if (w == "dma") return LooseInterface::kDma;
  if (w == "mmio") return LooseInterface::kMmio;
  throw bad_input(option, "unknown interface '" + w + "' (dma or mmio)");
}

TileOps& TileOps::operator+=(const TileOps& o) {
  queue += o.queue;
  process += o.process;
  dequeue += o.dequeue;
  paramwrite += o.paramwrite;
  return *this;
}

double alpine_cycles(double ns, double freq_mhz) {
  return std::ceil(ns * freq_mhz / 1000.0 - kCycleSlack);
}

double queue_cycles(const AlpineHardware& h, int64_t k) {
  return double(ceil_div(k, h.queue_bytes)) *
         (alpine_cycles(h.queue_op_ns, h.freq_mhz) + h.queue_bytes * h.sw_pack_cycles_per_byte);
}

double dequeue_cycles(const AlpineHardware& h, int64_t n) {
  return double(ceil_div(n, h.dequeue_bytes)) * (alpine_cycles(h.dequeue_op_ns, h.freq_mhz) +
                                                 h.dequeue_bytes * h.sw_unpack_cycles_per_byte);
}

double tile_cycles(const AlpineHardware& h, int64_t k, int64_t n) {
  return queue_cycles(h, k) + alpine_cycles(h.mvm_ns, h.freq_mhz) + dequeue_cycles(h, n);
}

double mvm_energy_nj(const AlpineHardware& h, int64_t rows, int64_t cols) {
  // 2·R·C operations at TOPS/W = 1e12 op/J: 2·R·C / (TOPS/W · 1e12) J.
  return h.aimc_energy_scale * 2.0 * double(rows) * double(cols) / (h.aimc_tops_per_w * 1e3);
}

double tile_peak_tops(const AlpineHardware& h, int64_t rows, int64_t cols) {
  return 2.0 * double(rows) * double(cols) / h.mvm_ns / 1e3;
}

AlpineReport estimate_alpine(const std::vector<LayerShape>& layers, const AlpineHardware& h,
                             const AlpineOptions& o) {
  AlpineReport r;
  r.scenario = o.scenario;
  r.mapping = o.mapping;
  r.freq_mhz = h.freq_mhz;
  r.cores = o.cores > 0 ? o.cores : h.cores;
  std::vector<LayerShape> costed;
  for (const auto& l : layers) {
    if (l.op == LayerOp::kUncosted)
      r.uncosted.push_back({l.name, layer_op_name(l.op), l.reason});
    else
      costed.push_back(l);
  }
  if (o.scenario == AlpineScenario::kLoose) {
    if (o.mapping != AlpineMapping::kSingle)
      throw bad_input("--mapping",
                      "the loosely coupled accelerator runs one inference at a time "
                      "(single mapping only)");
    estimate_loose(costed, h, o.loose, r);
    add_energy(h, r);
    return r;
  }
  const bool tiles = o.scenario == AlpineScenario::kTight;
  const bool split = o.mapping == AlpineMapping::kSplit;
  const int split_cores = split ? r.cores : 1;
  const std::vector<int> stage = stage_of_layers(costed);
  const int stages = costed.empty() ? 0 : stage.back() + 1;
  const bool pipeline = o.mapping == AlpineMapping::kPipeline;
  LayerRun run;
  run.on_tiles = tiles;
  run.split = split_cores;
  run.weights_in_dram = weights_exceed_l2(h, costed);
  run.streaming_cores = split ? r.cores : pipeline ? std::min(stages, r.cores) : 1;

  std::vector<int> layer_cores(costed.size(), 0);
  for (std::size_t i = 0; i < costed.size(); ++i)
    if (tiles && has_matrix(costed[i]))
      layer_cores[i] = split ? cores_per_slice(h, costed[i], split_cores) : 0;
  if (tiles) {
    // single and pipeline: each matrix layer on cores of its own; split: every
    // core holds a slice of every matrix layer on its tiles.
    for (std::size_t i = 0; i < costed.size(); ++i)
      if (has_matrix(costed[i]) && !split)
        layer_cores[i] = cores_per_slice(h, costed[i], 1) *
                         (costed[i].op == LayerOp::kRecurrent ? costed[i].directions : 1);
    if (split) {
      int per_core = 0;
      for (std::size_t i = 0; i < costed.size(); ++i)
        if (has_matrix(costed[i])) {
          per_core += tiles_per_slice(h, costed[i], split_cores);
          if (per_core > std::max(1, h.tiles_per_core) && !h.count_programming)
            throw bad_input(costed[i].name,
                            "does not fit: split over " + std::to_string(split_cores) +
                                " cores, each core needs " + std::to_string(per_core) +
                                " tiles for the layers so far (tiles_per_core " +
                                std::to_string(h.tiles_per_core) + ")");
        }
    } else {
      check_tiles_fit(h, costed, layer_cores, r.cores);
    }
  }

  r.stage_cycles.assign(static_cast<std::size_t>(pipeline ? stages : 0), 0.0);
  const std::vector<int> core_of_stage = core_of_stages(stages, r.cores);
  for (std::size_t i = 0; i < costed.size(); ++i) {
    // The digital baseline divides a layer over the cores its tiles would
    // take in the tightly coupled run: both use the same partition.
    LayerRun layer_run = run;
    if (!tiles && !split && has_matrix(costed[i])) {
      layer_run.split = std::min(r.cores, cores_per_slice(h, costed[i], 1));
      if (!pipeline) layer_run.streaming_cores = layer_run.split;
    }
    AlpineLayerCost c = has_matrix(costed[i]) ? matrix_layer_cost(h, costed[i], layer_run)
                                              : element_layer_cost(h, costed[i], split_cores);
    c.stage = pipeline ? core_of_stage[static_cast<std::size_t>(stage[i])] : 0;
    r.latency_cycles += c.cycles;
    if (pipeline) r.stage_cycles[static_cast<std::size_t>(stage[i])] += c.cycles;
    r.ops += c.ops;
    r.tiles += c.tiles;
    r.mmac += double(c.macs) / 1e6;
    r.layers.push_back(std::move(c));
  }
  if (pipeline) {
    // Merged stages share a core: their times add up on it.
    std::vector<double> per_core(static_cast<std::size_t>(r.cores), 0.0);
    for (int s = 0; s < stages; ++s)
      per_core[static_cast<std::size_t>(core_of_stage[static_cast<std::size_t>(s)])] +=
          r.stage_cycles[static_cast<std::size_t>(s)];
    const double slowest = *std::max_element(per_core.begin(), per_core.end());
    const int hand_offs = std::max(0, std::min(stages, r.cores) - 1);
    r.period_cycles = slowest + h.sync_cycles;
    r.latency_cycles += hand_offs * h.sync_cycles;
  } else {
    r.period_cycles = r.latency_cycles;
  }
  add_energy(h, r);
  return r;
}

}  // namespace aimc::timing
