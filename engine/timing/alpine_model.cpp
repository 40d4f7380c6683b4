#include "engine/timing/alpine_model.h"

#include <algorithm>
#include <cmath>

#include "engine/error.h"
#include "engine/timing/alpine_geometry.h"
#include "engine/timing/alpine_layer_cost.h"
#include "engine/timing/alpine_loose.h"

namespace aimc::timing {
namespace {

// A small tolerance keeps ceil() from rounding 80.0000000001 up to 81.
constexpr double kCycleSlack = 1e-9;

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

AlpineReport estimate_alpine(const std::vector<LayerShape>& layers, const AlpinePlan& all,
                             const AlpineHardware& h, const AlpineOptions& o) {
  AlpineReport r;
  r.scenario = o.scenario;
  r.mapping = o.mapping;
  r.freq_mhz = h.freq_mhz;
  std::vector<LayerShape> costed;
  AlpinePlan plan = all;
  plan.layers.clear();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].op == LayerOp::kUncosted) {
      r.uncosted.push_back({layers[i].name, layer_op_name(layers[i].op), layers[i].reason});
    } else {
      costed.push_back(layers[i]);
      plan.layers.push_back(all.layers.at(i));
    }
  }
  r.cores = plan.cores;
  if (o.scenario == AlpineScenario::kLoose) {
    estimate_loose(costed, plan, h, o.loose, r);
    add_energy(h, r);
    return r;
  }
  const bool pipeline = o.mapping == AlpineMapping::kPipeline;
  std::vector<double> per_core(static_cast<std::size_t>(r.cores), 0.0);
  r.stage_cycles.assign(static_cast<std::size_t>(plan.stages), 0.0);
  int stage = -1;
  for (std::size_t i = 0; i < costed.size(); ++i) {
    const AlpineLayerPlacement& p = plan.layers[i];
    AlpineLayerCost c = has_matrix(costed[i]) ? matrix_layer_cost(h, costed[i], p)
                                              : element_layer_cost(h, costed[i], p.split);
    c.first_core = p.first_core;
    c.stage = p.stage;
    r.latency_cycles += c.cycles;
    if (pipeline) {
      if (has_matrix(costed[i]) || stage < 0) ++stage;
      r.stage_cycles[static_cast<std::size_t>(stage)] += c.cycles;
      per_core[static_cast<std::size_t>(p.stage)] += c.cycles;  // merged stages add up
    }
    r.ops += c.ops;
    r.tiles += c.tiles;
    r.mmac += double(c.macs) / 1e6;
    r.layers.push_back(std::move(c));
  }
  if (pipeline && plan.stages > 0) {
    const double slowest = *std::max_element(per_core.begin(), per_core.end());
    const int hand_offs = std::max(0, std::min(plan.stages, r.cores) - 1);
    r.period_cycles = slowest + h.sync_cycles;
    r.latency_cycles += hand_offs * h.sync_cycles;
  } else {
    r.period_cycles = r.latency_cycles;
  }
  add_energy(h, r);
  return r;
}

}  // namespace aimc::timing
