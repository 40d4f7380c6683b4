#include "engine/timing/cluster_model.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "engine/error.h"

namespace aimc::timing {

std::string system_name(System s) {
  return s == System::kMultiArray ? "multi-array" : "single-ima";
}

System system_for(const std::vector<LayerShape>& layers) {
  for (const LayerShape& l : layers)
    if (l.placement.unit == Unit::kCrossbarCjob) return System::kSingleIma;
  return System::kMultiArray;
}

double mvm_cycles(const Hardware& h) { return std::ceil(h.mvm_ns * h.freq_mhz / 1000.0 - 1e-9); }

JobCycles ima_job_cycles(const Hardware& h, int64_t rows, int64_t cols, double overhead) {
  JobCycles j;
  j.compute = mvm_cycles(h);
  j.stream_in = std::ceil(double(rows) * h.io_bits / h.bus_bits);
  j.stream_out = std::ceil(double(cols) * h.io_bits / h.bus_bits);
  const double streaming = j.stream_in + j.stream_out;  // one bus port for both directions
  j.total = (h.pipelined ? std::max(j.compute, streaming)
                         : streaming + j.compute + h.sequential_overhead_cycles) +
            overhead;
  return j;
}

namespace {

// Cycles of a layer in software on the cores.
double cores_cycles(const LayerShape& l, const Hardware& h) {
  const double macs = double(l.macs());
  switch (l.op) {
    case LayerOp::kConv:
      return macs / h.sw_conv_mac_per_cycle;
    case LayerOp::kPointwise:
      return macs / h.sw_pointwise_mac_per_cycle;
    case LayerOp::kDepthwise:
      return macs / h.sw_depthwise_mac_per_cycle;
    case LayerOp::kGemm:
      return macs / h.sw_gemm_mac_per_cycle;
    case LayerOp::kAdd:
      return double(l.output_elements()) * h.add_cycles_per_element;
    case LayerOp::kPool:
      return double(l.in_h) * l.in_w * l.in_c * h.pool_cycles_per_element;
  }
  return 0;
}

// The cost of layer `li` on its unit; its crossbar tiles go to `tiles` on
// the multi-array system (for Tile&Pack).
LayerCost cost_layer(const LayerShape& l, int li, const Hardware& h, bool multi,
                     std::vector<Tile>& tiles) {
  const double overhead = multi ? h.streamed_job_overhead_cycles : h.cluster_job_overhead_cycles;
  const Unit unit = l.placement.unit;
  LayerCost c;
  c.name = l.name;
  c.op = layer_op_name(l.op);
  c.unit = unit_name(unit);
  c.macs = l.macs();
  c.params = l.weights();
  double power_mw = h.cores_power_mw;  // of the unit while it runs
  double job_energy_nj = 0;
  double extra_energy_uj = 0;
  // A K×N matrix on the crossbar, `jobs_per_tile` jobs on each of its tiles.
  auto on_ima = [&](int64_t k, int64_t n, int64_t jobs_per_tile) {
    for (const Tile& t : split_into_tiles(li, k, n, h.ima_rows, h.ima_cols)) {
      c.cycles += double(jobs_per_tile) * ima_job_cycles(h, t.rows, t.cols, overhead).total;
      c.jobs += jobs_per_tile;
      if (multi) tiles.push_back(t);
    }
    // In the single-IMA cluster the cores program and synchronise every
    // job; in the multi-array system a streamer issues them.
    power_mw = multi ? h.idle_power_mw : h.cores_power_mw;
    job_energy_nj = h.ima_job_energy_nj;
  };
  switch (unit) {
    case Unit::kArrays:
      on_ima(l.rows(), l.cols(), l.pixels());
      break;
    case Unit::kCrossbarCjob: {
      // C_job channels per job: block-diagonal (kh·kw·C_job) × C_job matrices.
      const int cjob = std::max(1, l.placement.cjob);
      for (int c0 = 0; c0 < l.out_c; c0 += cjob) {
        const int n = std::min(cjob, l.out_c - c0);
        on_ima(int64_t{n} * l.kernel_h * l.kernel_w, n, l.pixels());
      }
      break;
    }
    case Unit::kCoresChw: {
      // On the cores in CHW layout, after marshalling the IMA's HWC data and back.
      const double elements = double(l.in_h) * l.in_w * l.in_c + double(l.output_elements());
      c.cycles = double(c.macs) / h.sw_depthwise_chw_mac_per_cycle +
                 elements * h.marshal_cycles_per_element;
      extra_energy_uj = elements * h.marshal_energy_pj_per_element * 1e-6;
      break;
    }
    case Unit::kDepthwiseAccel:
      c.cycles = double(c.macs) / h.dw_accel_mac_per_cycle;
      power_mw = h.dw_accel_power_mw + h.idle_power_mw;
      break;
    case Unit::kCores:
      c.cycles = cores_cycles(l, h);
      break;
  }
  const double us_per_cycle = 1.0 / h.freq_mhz;
  c.latency_us = c.cycles * us_per_cycle;
  c.energy_uj =
      power_mw * c.latency_us * 1e-3 + double(c.jobs) * job_energy_nj * 1e-3 + extra_energy_uj;
  c.overlapped = multi && h.multi_array_overlap_depthwise && unit == Unit::kDepthwiseAccel;
  return c;
}

}  // namespace

TimingReport estimate(const std::vector<LayerShape>& layers, const Hardware& h, System system) {
  TimingReport r;
  r.system = system;
  r.freq_mhz = h.freq_mhz;
  const bool multi = system == System::kMultiArray;
  std::vector<Tile> all_tiles;
  double ima_cycles = 0, dw_cycles = 0, other_cycles = 0;
  bool any_crossbar = false;
  for (std::size_t li = 0; li < layers.size(); ++li) {
    const LayerShape& l = layers[li];
    const Unit unit = l.placement.unit;
    const LayerCost c = cost_layer(l, static_cast<int>(li), h, multi, all_tiles);
    // Every convolution's weights (on arrays, or in TCDM for depthwise layers
    // run elsewhere); the classifier is not part of the mapping.
    if (l.op == LayerOp::kConv || l.op == LayerOp::kPointwise || l.op == LayerOp::kDepthwise)
      r.mapped_params += c.params;
    if (on_crossbar(unit)) {
      ima_cycles += c.cycles;
      any_crossbar = true;
    } else if (c.overlapped) {
      dw_cycles += c.cycles;
    } else {
      other_cycles += c.cycles;
    }
    r.mmac += c.macs / 1e6;
    r.energy_uj += c.energy_uj;
    r.layers.push_back(c);
  }
  // Overlapped depthwise layers cost time only where they outlast the arrays.
  r.cycles = other_cycles + std::max(ima_cycles, dw_cycles);
  r.latency_ms = r.cycles / h.freq_mhz / 1000.0;
  r.inferences_per_second = r.latency_ms > 0 ? 1000.0 / r.latency_ms : 0;
  if (multi) {
    const PackResult pack = tile_and_pack(all_tiles, h.ima_rows, h.ima_cols);
    r.arrays = pack.arrays;
    r.array_utilization = pack.utilization;
    std::map<int, std::vector<int>> arrays_of_layer;
    for (std::size_t t = 0; t < pack.tiles.size(); ++t)
      arrays_of_layer[pack.tiles[t].layer].push_back(pack.placements[t].array);
    for (auto& [layer, arrays] : arrays_of_layer) {
      std::sort(arrays.begin(), arrays.end());
      r.layers[layer].arrays =
          static_cast<int>(std::unique(arrays.begin(), arrays.end()) - arrays.begin());
    }
  } else if (any_crossbar) {
    r.arrays = 1;
  }
  return r;
}

}  // namespace aimc::timing
