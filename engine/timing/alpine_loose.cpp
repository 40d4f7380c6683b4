#include "engine/timing/alpine_loose.h"

#include <algorithm>

#include "engine/error.h"
#include "engine/timing/alpine_layer_cost.h"

namespace aimc::timing {
namespace {

bool is_relu(const LayerShape& l) {
  return l.op == LayerOp::kElementwise && (l.op_label() == "relu" || l.op_label() == "clip");
}

// Which layers the accelerator takes: the first `lc_tiles` matrix layers
// if they are consecutive Gemms (ReLUs and views between them included).
std::vector<bool> accelerated(const std::vector<LayerShape>& layers, const AlpineHardware& h) {
  std::vector<bool> on(layers.size(), false);
  int taken = 0;
  bool started = false;
  for (std::size_t i = 0; i < layers.size() && taken < h.lc_tiles; ++i) {
    const LayerShape& l = layers[i];
    if (has_matrix(l)) {
      if (l.op != LayerOp::kGemm)
        throw bad_input(l.name,
                        "the loosely coupled accelerator runs Gemm/MatMul layers only, "
                        "not " +
                            l.op_label());
      on[i] = started = true;
      ++taken;
    } else if (started && (is_relu(l) || l.op == LayerOp::kFree)) {
      on[i] = true;
    } else if (started) {
      break;
    }
  }
  // A ReLU after the last accelerated matrix layer runs in the accelerator too.
  return on;
}

}  // namespace

void estimate_loose(const std::vector<LayerShape>& layers, const AlpineHardware& h,
                    LooseInterface interface, AlpineReport& r) {
  const std::vector<bool> on = accelerated(layers, h);
  std::vector<std::size_t> matrices;
  for (std::size_t i = 0; i < layers.size(); ++i)
    if (on[i] && has_matrix(layers[i])) matrices.push_back(i);
  if (matrices.empty())
    throw bad_input(layers.empty() ? "the network" : layers.front().name,
                    "no Gemm/MatMul layer for the loosely coupled accelerator");
  // The rest runs on core 0; its weights stay in L2 unless they exceed it.
  int64_t cpu_bytes = 0;
  for (std::size_t i = 0; i < layers.size(); ++i)
    if (!on[i] && has_matrix(layers[i])) cpu_bytes += layers[i].weights();
  LayerRun cpu;
  cpu.weights_in_dram = double(cpu_bytes) > h.l2_kib * 1024.0;

  const double f = h.freq_mhz;
  const double access_ns = h.mmio_latency_ns + h.mmio_extra_ns;
  const int64_t in = layers[matrices.front()].rows(), out = layers[matrices.back()].cols();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerShape& l = layers[i];
    AlpineLayerCost c;
    if (!on[i]) {
      if (has_matrix(l)) {
        c = matrix_layer_cost(h, l, cpu);
      } else {
        c.name = l.name;
        c.op = l.op_label();
        c.unit = "cores";
        c.cycles = c.busy_core_cycles = element_cycles(h, l);
      }
    } else {
      c.name = l.name;
      c.op = l.op_label();
      c.unit = "accelerator";
      c.cores = 0;
      double ns = 0;
      if (has_matrix(l)) {
        c.macs = l.macs();
        c.vectors = 1;
        c.tiles = 1;
        const int64_t rows = h.tile_rows > 0 ? h.tile_rows : l.rows();
        const int64_t cols = h.tile_cols > 0 ? h.tile_cols : l.cols();
        c.mvm_energy_nj = h.aimc_energy_by_used_cells ? mvm_energy_nj(h, l.rows(), l.cols())
                                                      : mvm_energy_nj(h, rows, cols);
        ns = h.mvm_ns + double(l.cols()) * h.lc_transfer_ns_per_element;
        if (i == matrices.front())
          ns += interface == LooseInterface::kMmio
                    ? double(in) * access_ns
                    : h.lc_driver_overhead_us * 1000.0 + double(in + out) / h.dram_gbps;
        if (i == matrices.back() && interface == LooseInterface::kMmio)
          ns += double(out) * access_ns;
      }
      c.cycles = ns * f / 1000.0;
      c.stall_core_cycles = c.cycles;  // core 0 waits for the accelerator
    }
    r.latency_cycles += c.cycles;
    r.tiles += c.tiles;
    r.mmac += double(c.macs) / 1e6;
    r.layers.push_back(std::move(c));
  }
  r.period_cycles = r.latency_cycles;
}

}  // namespace aimc::timing
