#include "engine/timing/alpine_layer_cost.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace aimc::timing {
namespace {

// One input vector through a slice on its tiles: every row block of a
// column block is queued, processed and dequeued by the core holding it;
// the core holding the last row block adds the partial sums (fetched from
// other cores through L2 after a hand-off) and requantizes.
struct TilePass {
  double cycles = 0;       // the slowest core
  double core_cycles = 0;  // summed over the slice's cores
  double stall_cycles = 0;
  double mvm_nj = 0;
  TileOps ops;
};

TilePass tile_pass(const AlpineHardware& h, const Slice& s, double post_per_output) {
  const int64_t R = tile_rows_for(h, s), C = tile_cols_for(h, s);
  const int64_t r = ceil_div(s.rows, R), c = ceil_div(s.cols, C);
  const int64_t per_core = std::max(1, h.tiles_per_core);
  std::vector<double> core(static_cast<std::size_t>(ceil_div(r * c, per_core)), 0.0);
  const double p = alpine_cycles(h.mvm_ns, h.freq_mhz);
  TilePass t;
  for (int64_t j = 0; j < c; ++j) {
    const int64_t nj = std::min(C, s.cols - j * C);
    for (int64_t i = 0; i < r; ++i) {
      const int64_t ki = std::min(R, s.rows - i * R);
      core[static_cast<std::size_t>((j * r + i) / per_core)] += tile_cycles(h, ki, nj);
      t.ops.queue += ceil_div(ki, h.queue_bytes);
      t.ops.dequeue += ceil_div(nj, h.dequeue_bytes);
      t.ops.process += 1;
      t.stall_cycles += p;
      t.mvm_nj += h.aimc_energy_by_used_cells ? mvm_energy_nj(h, ki, nj) : mvm_energy_nj(h, R, C);
    }
    const int64_t first = j * r / per_core, last = (j * r + r - 1) / per_core;
    double post =
        double(r - 1) * double(nj) * h.sw_acc_cycles_per_element + double(nj) * post_per_output;
    if (first != last) post += h.sync_cycles + double(nj * (r - 1)) / h.l2_bytes_per_cycle;
    core[static_cast<std::size_t>(last)] += post;
  }
  for (double x : core) {
    t.cycles = std::max(t.cycles, x);
    t.core_cycles += x;
  }
  return t;
}

// Per step of a recurrent layer, on `units` hidden units: the gate
// nonlinearities and the state update (LSTM: 3 sigmoids, 2 tanh, 4
// multiply/adds; GRU: 2, 1, 5; RNN: a tanh), h requantized to int8, and the
// bias added to every gate column.
double cell_cycles(const AlpineHardware& h, int gates, int64_t units) {
  double per_unit = 0;
  if (gates == 4)
    per_unit = 3 * h.sw_sigmoid_cycles_per_element + 2 * h.sw_tanh_cycles_per_element +
               4 * h.sw_eltwise_cycles_per_element;
  else if (gates == 3)
    per_unit = 2 * h.sw_sigmoid_cycles_per_element + h.sw_tanh_cycles_per_element +
               5 * h.sw_eltwise_cycles_per_element;
  else
    per_unit = h.sw_tanh_cycles_per_element;
  per_unit += h.sw_requant_cycles_per_element + gates * h.sw_eltwise_cycles_per_element;
  return per_unit * double(units);
}

}  // namespace

double element_cycles(const AlpineHardware& h, const LayerShape& l) {
  const int64_t e = l.elements > 0 ? l.elements : l.output_elements();
  const std::string label = l.op_label();
  switch (l.op) {
    case LayerOp::kFree:
    case LayerOp::kUncosted:
      return 0;
    case LayerOp::kPool:
      return double(int64_t{l.in_c} * l.in_h * l.in_w) * h.sw_pool_cycles_per_element;
    case LayerOp::kWindowPool:
      // Output elements × window reads; LRN's rate covers its window.
      if (label == "lrn") return double(l.output_elements()) * h.sw_lrn_cycles_per_element;
      return double(e) * l.kernel_h * l.kernel_w * h.sw_pool_cycles_per_element;
    case LayerOp::kSoftmax:
      return double(e) * h.sw_softmax_cycles_per_element;
    case LayerOp::kActivation:
      if (label == "sigmoid") return double(e) * h.sw_sigmoid_cycles_per_element;
      return double(e) * h.sw_tanh_cycles_per_element;  // tanh and other transcendentals
    default:
      if (label == "relu" || label == "clip") return double(e) * h.sw_relu_cycles_per_element;
      return double(e) * h.sw_eltwise_cycles_per_element;
  }
}

namespace {

// The software work around one input vector of a matrix layer, shared by
// the tile and NEON forms.
struct VectorWork {
  Slice slice;
  int64_t vectors = 0;
  double post = 0;       // per output: requantization (recurrent: in the cell)
  double gather = 0;     // im2col: a patch per output pixel
  double cell = 0;       // recurrent: the cell updates of one core's units
  int cell_cores = 1;    // cores that update cells
  double step_sync = 0;  // recurrent over several cores: gathering h_t
};

VectorWork vector_work(const AlpineHardware& h, const LayerShape& l,
                       const AlpineLayerPlacement& run) {
  const bool recurrent = l.op == LayerOp::kRecurrent;
  VectorWork w;
  w.slice = slice_of(l, run.split);
  w.vectors = recurrent ? int64_t{l.steps} * l.directions : l.pixels();
  w.post = recurrent ? 0.0 : h.sw_requant_cycles_per_element;
  // A 1×1 conv reads its input in place.
  if (is_conv(l.op) && l.kernel_h * l.kernel_w > 1)
    w.gather = double(w.slice.rows) * h.sw_im2col_cycles_per_byte;
  if (!recurrent) return w;
  // With the gates interleaved, each core holding a column block updates
  // the cells of its own hidden units; every core that does gathers h_t
  // from the others after each step.
  w.cell_cores = run.split * (run.on_tiles ? column_blocks(h, w.slice) : 1);
  w.cell = cell_cycles(h, l.gates, (l.out_c + w.cell_cores - 1) / w.cell_cores);
  if (w.cell_cores > 1) w.step_sync = h.sync_cycles + double(l.out_c) / h.l2_bytes_per_cycle;
  return w;
}

void cost_on_tiles(const AlpineHardware& h, const AlpineLayerPlacement& run, const VectorWork& w,
                   AlpineLayerCost& c) {
  const TilePass t = tile_pass(h, w.slice, w.post);
  c.cores = run.cores;
  c.tiles = run.tiles;  // a recurrent layer's directions each have their own
  const double n = double(w.vectors), k = double(run.split);
  c.cycles = n * (t.cycles + w.gather + w.cell + w.step_sync);
  const double cell_work = w.cell * w.cell_cores / run.split;
  c.busy_core_cycles = n * k * (t.core_cycles - t.stall_cycles + w.gather + cell_work);
  c.stall_core_cycles = n * (k * t.stall_cycles + w.cell_cores * w.step_sync);
  c.ops.queue = t.ops.queue * run.split * w.vectors;
  c.ops.process = t.ops.process * run.split * w.vectors;
  c.ops.dequeue = t.ops.dequeue * run.split * w.vectors;
  c.mvm_energy_nj = t.mvm_nj * k * n;
}

// NEON: the slice's MACs at the core's int8 rate, or its weights' bytes at
// the bandwidth of where they live, whichever is longer.
void cost_in_neon(const AlpineHardware& h, const LayerShape& l, const AlpineLayerPlacement& run,
                  const VectorWork& w, AlpineLayerCost& c) {
  const bool recurrent = l.op == LayerOp::kRecurrent;
  const double n = double(w.vectors);
  c.cores = run.split;
  const double macs = double(l.macs()) / n / double(run.split);
  const double bytes = double(w.slice.rows) * double(w.slice.cols);
  const double bw = run.weights_in_dram
                        ? h.dram_gbps * 1000.0 / h.freq_mhz / std::max(1, run.streaming_cores)
                        : h.l2_bytes_per_cycle;
  const double extra = double(w.slice.cols) * w.post + w.gather + w.cell;
  // Every step of a recurrence reads the whole matrix again; a layer's
  // vectors share one read.
  const double work = recurrent
                          ? n * (std::max(macs / h.sw_int8_mac_per_cycle, bytes / bw) + extra)
                          : std::max(n * macs / h.sw_int8_mac_per_cycle, bytes / bw) + n * extra;
  c.cycles = work + n * w.step_sync;
  c.busy_core_cycles = work * run.split;
  c.stall_core_cycles = n * w.step_sync * run.split;
  const double reads = recurrent ? n : 1.0;
  if (run.weights_in_dram)
    c.dram_lines = static_cast<int64_t>(std::ceil(bytes * run.split * reads / 64.0));
}

}  // namespace

AlpineLayerCost matrix_layer_cost(const AlpineHardware& h, const LayerShape& l,
                                  const AlpineLayerPlacement& run) {
  const bool recurrent = l.op == LayerOp::kRecurrent;
  const VectorWork w = vector_work(h, l, run);
  AlpineLayerCost c;
  c.name = l.name;
  c.op = l.op_label();
  c.macs = l.macs();
  c.vectors = w.vectors;
  c.unit = run.on_tiles ? "tile" : "cores";
  if (run.on_tiles)
    cost_on_tiles(h, run, w, c);
  else
    cost_in_neon(h, l, run, w, c);
  // One barrier per split layer (a recurrent one has one per step above).
  if (run.split > 1 && !recurrent) {
    c.cycles += h.sync_cycles;
    c.stall_core_cycles += h.sync_cycles * run.split;
  }
  c.cycles += h.layer_call_overhead_cycles;
  c.busy_core_cycles += h.layer_call_overhead_cycles * c.cores;
  if (run.on_tiles && h.count_programming) {
    const int64_t weights = l.rows() * l.cols() * (recurrent ? l.directions : 1);
    c.ops.paramwrite = weights;
    const double write = alpine_cycles(h.paramwrite_op_ns, h.freq_mhz);
    c.programming_cycles = double(weights) * write / c.cores;
    c.cycles += c.programming_cycles;
    c.busy_core_cycles += double(weights) * write;
  }
  return c;
}

}  // namespace aimc::timing
