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

// Per step and direction of a recurrent layer, per hidden unit: adding the
// input and recurrent products and their biases (2 per gate output), the
// state update (LSTM: c = f·c + i·g, h = o·tanh(c); GRU: r·(R·h), then
// (1 - z)·n + z·h), and the activations (LSTM 3 sigmoids and 2 tanh, GRU 2
// sigmoids and a tanh, RNN a tanh).
double recurrent_gate_cycles(const LayerShape& l, const Hardware& h) {
  const double state_ops = l.gates == 1 ? 0 : 4;
  const double activations = l.gates == 4 ? 5 : l.gates == 3 ? 3 : 1;
  const double per_unit = (2.0 * l.gates + state_ops) * h.add_cycles_per_element +
                          activations * h.activation_cycles_per_element;
  return double(l.steps) * l.directions * l.out_c * per_unit;
}

// Cycles of a layer in software on the cores.
double cores_cycles(const LayerShape& l, const Hardware& h) {
  const double macs = double(l.macs());
  const double elements = double(l.elements);
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
    case LayerOp::kGroupedConv:
      return macs / (l.kernel_h * l.kernel_w == 1 ? h.sw_pointwise_mac_per_cycle
                                                  : h.sw_conv_mac_per_cycle);
    case LayerOp::kWindowPool:
      return double(l.output_elements()) * l.kernel_h * l.kernel_w * h.pool_cycles_per_element;
    case LayerOp::kReduce:
      return elements * h.pool_cycles_per_element;
    case LayerOp::kElementwise:
      return elements * h.add_cycles_per_element;
    case LayerOp::kActivation:
      return elements * h.activation_cycles_per_element;
    case LayerOp::kSoftmax:
      return elements * h.softmax_cycles_per_element;
    case LayerOp::kCopy:
      return elements * h.copy_cycles_per_element;
    case LayerOp::kRecurrent:
      return macs / h.sw_gemm_mac_per_cycle + recurrent_gate_cycles(l, h);
    case LayerOp::kFree:
    case LayerOp::kUncosted:
      return 0;
  }
  return 0;
}

// A layer's cost as it is built up: its jobs on the crossbar, the power of
// the unit while it runs, and the energy beyond power × time.
struct Costing {
  const Hardware& h;
  bool multi = false;
  int index = 0;  // of the layer in the report, for Tile&Pack
  std::vector<Tile>& tiles;
  int copies = 1;  // of every tile: differential pairs per weight
  LayerCost c;
  double power_mw = 0;
  double job_energy_nj = 0;
  double extra_energy_uj = 0;

  // A K×N matrix on the crossbar, `jobs_per_tile` jobs on each of its tiles.
  void on_ima(int64_t k, int64_t n, int64_t jobs_per_tile) {
    const double overhead = multi ? h.streamed_job_overhead_cycles : h.cluster_job_overhead_cycles;
    for (const Tile& t : split_into_tiles(index, k, n, h.ima_rows, h.ima_cols)) {
      c.cycles += double(jobs_per_tile) * ima_job_cycles(h, t.rows, t.cols, overhead).total;
      c.jobs += jobs_per_tile;
      if (multi)
        for (int copy = 0; copy < copies; ++copy) tiles.push_back(t);
    }
    // In the single-IMA cluster the cores program and synchronise every
    // job; in the multi-array system a streamer issues them. The copies of a
    // tile run at once, their currents summed: the time of one job, the
    // energy of `copies`.
    power_mw = multi ? h.idle_power_mw : h.cores_power_mw;
    job_energy_nj = h.ima_job_energy_nj * copies;
  }

  // Cycles the cores add to a crossbar layer (a recurrent layer's gates),
  // at the cores' power.
  void on_cores_too(double cycles) {
    c.cycles += cycles;
    extra_energy_uj += (h.cores_power_mw - power_mw) * cycles / h.freq_mhz * 1e-3;
  }
};

// A grouped conv (depthwise: groups of one channel) on the crossbar as
// block-diagonal matrices of `per_block` groups, each group's
// (kh·kw·C_in/groups) × (C_out/groups) block on the diagonal.
void grouped_on_ima(Costing& k, const LayerShape& l, int groups, int per_block) {
  const int64_t kg = int64_t{l.in_c / groups} * l.kernel_h * l.kernel_w, ng = l.out_c / groups;
  for (int g0 = 0; g0 < groups; g0 += per_block) {
    const int64_t b = std::min(per_block, groups - g0);
    k.on_ima(b * kg, b * ng, l.pixels());
  }
}

// A layer whose placement names a crossbar unit.
void crossbar_cost(Costing& k, const LayerShape& l, Unit unit) {
  if (l.op == LayerOp::kRecurrent) {
    // Each step of each direction: X·Wᵀ and H·Rᵀ on that direction's own
    // matrices (mapped apart, as the emulation maps them), then the gates
    // on the cores.
    for (int d = 0; d < l.directions; ++d) {
      k.on_ima(l.in_c, l.cols(), l.steps);
      k.on_ima(l.out_c, l.cols(), l.steps);
    }
    k.on_cores_too(recurrent_gate_cycles(l, k.h));
  } else if (l.op == LayerOp::kGroupedConv) {
    // ima-cjob: C_job output channels per block; ima: a block per group, as
    // the crossbar kernels map it.
    const int64_t ng = l.cols() / l.groups;
    const int64_t per_block =
        unit == Unit::kCrossbarCjob ? std::max<int64_t>(1, std::max(1, l.placement.cjob) / ng) : 1;
    grouped_on_ima(k, l, l.groups, static_cast<int>(per_block));
  } else if (unit == Unit::kCrossbarCjob) {
    // C_job channels per job: block-diagonal (kh·kw·C_job) × C_job matrices.
    const int cjob = std::max(1, l.placement.cjob);
    for (int c0 = 0; c0 < l.out_c; c0 += cjob) {
      const int n = std::min(cjob, l.out_c - c0);
      k.on_ima(int64_t{n} * l.kernel_h * l.kernel_w, n, l.pixels());
    }
  } else {
    k.on_ima(l.rows(), l.cols(), l.pixels());
  }
}

// The cost of layer `l`, entry `index` of the report, on its unit; its
// crossbar tiles go to `tiles` on the multi-array system (for Tile&Pack).
LayerCost cost_layer(const LayerShape& l, int index, const Hardware& h, bool multi,
                     std::vector<Tile>& tiles) {
  Unit unit = l.placement.unit;
  if (on_crossbar(unit) && l.rows() == 0) unit = Unit::kCores;  // no matrix to map
  Costing k{.h = h,
            .multi = multi,
            .index = index,
            .tiles = tiles,
            .copies = std::max(1, l.placement.copies),
            .c = {},
            .power_mw = h.cores_power_mw};
  LayerCost& c = k.c;
  c.name = l.name;
  c.op = l.op_label();
  c.unit = l.op == LayerOp::kFree ? "none" : unit_name(unit);
  c.macs = l.macs();
  c.params = l.weights();
  switch (unit) {
    case Unit::kArrays:
    case Unit::kCrossbarCjob:
      crossbar_cost(k, l, unit);
      break;
    case Unit::kCoresChw: {
      // On the cores in CHW layout, after marshalling the IMA's HWC data and back.
      const double elements = double(l.in_h) * l.in_w * l.in_c + double(l.output_elements());
      c.cycles = double(c.macs) / h.sw_depthwise_chw_mac_per_cycle +
                 elements * h.marshal_cycles_per_element;
      k.extra_energy_uj = elements * h.marshal_energy_pj_per_element * 1e-6;
      break;
    }
    case Unit::kDepthwiseAccel:
      c.cycles = double(c.macs) / h.dw_accel_mac_per_cycle;
      k.power_mw = h.dw_accel_power_mw + h.idle_power_mw;
      break;
    case Unit::kCores:
      c.cycles = cores_cycles(l, h);
      break;
  }
  const double us_per_cycle = 1.0 / h.freq_mhz;
  c.latency_us = c.cycles * us_per_cycle;
  c.energy_uj = k.power_mw * c.latency_us * 1e-3 + double(c.jobs) * k.job_energy_nj * 1e-3 +
                k.extra_energy_uj;
  c.overlapped = multi && h.multi_array_overlap_depthwise && unit == Unit::kDepthwiseAccel;
  return c;
}

// The hardware key of the assumed rate a layer's kind adds, or "".
const char* assumed_rate(LayerOp op) {
  switch (op) {
    case LayerOp::kActivation:
    case LayerOp::kRecurrent:
      return "activation_cycles_per_element";
    case LayerOp::kSoftmax:
      return "softmax_cycles_per_element";
    case LayerOp::kCopy:
      return "copy_cycles_per_element";
    default:
      return "";
  }
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
  for (const LayerShape& l : layers) {
    if (l.op == LayerOp::kUncosted) {
      r.uncosted.push_back({l.name, l.op_label(), l.reason});
      continue;
    }
    const Unit unit = l.placement.unit;
    const LayerCost c = cost_layer(l, static_cast<int>(r.layers.size()), h, multi, all_tiles);
    // Every convolution's weights (on arrays, or in TCDM for depthwise layers
    // run elsewhere); the classifier is not part of the mapping.
    if (l.op == LayerOp::kConv || l.op == LayerOp::kPointwise || l.op == LayerOp::kDepthwise ||
        l.op == LayerOp::kGroupedConv)
      r.mapped_params += c.params;
    if (on_crossbar(unit) && l.rows() > 0) {
      ima_cycles += c.cycles;
      any_crossbar = true;
    } else if (c.overlapped) {
      dw_cycles += c.cycles;
    } else {
      other_cycles += c.cycles;
    }
    const std::string rate = assumed_rate(l.op);
    if (!rate.empty() &&
        std::find(r.assumed_rates.begin(), r.assumed_rates.end(), rate) == r.assumed_rates.end())
      r.assumed_rates.push_back(rate);
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
