#include "engine/timing/alpine_loose.h"

#include <algorithm>

#include "engine/timing/alpine_layer_cost.h"

namespace aimc::timing {
void estimate_loose(const std::vector<LayerShape>& layers, const AlpinePlan& plan,
                    const AlpineHardware& h, LooseInterface interface, AlpineReport& r) {
  std::vector<bool> on(layers.size());
  std::vector<std::size_t> matrices;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    on[i] = plan.layers[i].on_accelerator;
    if (on[i] && has_matrix(layers[i])) matrices.push_back(i);
  }

  const double f = h.freq_mhz;
  const double access_ns = h.mmio_latency_ns + h.mmio_extra_ns;
  const int64_t in = layers[matrices.front()].rows(), out = layers[matrices.back()].cols();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerShape& l = layers[i];
    AlpineLayerCost c;
    if (!on[i]) {
      if (has_matrix(l)) {
        c = matrix_layer_cost(h, l, plan.layers[i]);  // core 0, NEON
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
