#pragma once
// The second seed system: ALPINE (Klein et al., IEEE Trans. Computers 2023),
// an 8-core in-order ARMv8 CPU with one analog tile per core driven through
// an ISA extension (CM_QUEUE, CM_PROCESS, CM_DEQUEUE, CM_INITIALIZE). Every
// parameter of its cost and energy model, one source per key; the values
// live in engine/presets/hardware/alpine-hp.json (the defaults) and
// alpine-lp.json, marked by "system": "alpine". Keys whose source starts
// with "calibrated" are fitted to the MLP figures of the paper only
// (models/studies/alpine_paper.h) and then frozen.
#include <nlohmann/json.hpp>
#include <string>

namespace aimc {

struct AlpineHardware {
  // The high-power operating point, as alpine-hp.json gives it.
  AlpineHardware();
  struct Blank {};
  explicit AlpineHardware(Blank) {}

  double freq_mhz = 0;
  int cores = 0;
  int tiles_per_core = 0;
  int tile_rows = 0, tile_cols = 0;  // 0: sized to each layer
  // The tile and its instructions
  double mvm_ns = 0;
  double queue_op_ns = 0, dequeue_op_ns = 0;
  int queue_bytes = 0, dequeue_bytes = 0;
  double paramwrite_op_ns = 0;
  bool count_programming = false;
  // Software on the cores (cycles per byte or element, per core)
  double sw_pack_cycles_per_byte = 0;
  double sw_unpack_cycles_per_byte = 0;
  double sw_im2col_cycles_per_byte = 0;
  double sw_int8_mac_per_cycle = 0;
  double sw_acc_cycles_per_element = 0;
  double sw_requant_cycles_per_element = 0;
  double sw_relu_cycles_per_element = 0;
  double sw_sigmoid_cycles_per_element = 0;
  double sw_tanh_cycles_per_element = 0;
  double sw_softmax_cycles_per_element = 0;
  double sw_eltwise_cycles_per_element = 0;
  double sw_pool_cycles_per_element = 0;
  double sw_lrn_cycles_per_element = 0;
  double layer_call_overhead_cycles = 0;
  double sync_cycles = 0;
  // Memory
  double l1d_kib = 0, l2_kib = 0, l2_bytes_per_cycle = 0;
  double dram_gbps = 0;
  // Power and energy
  double core_active_mw = 0, core_stall_mw = 0, core_idle_mw = 0;
  double uncore_mw = 0;
  double dram_pj_per_access = 0;
  double aimc_tops_per_w = 0;
  double aimc_energy_scale = 0;
  bool aimc_energy_by_used_cells = false;
  // The loosely coupled variant: a memory-mapped accelerator of lc_tiles layers
  double mmio_latency_ns = 0, mmio_extra_ns = 0;
  int lc_tiles = 0;
  double lc_transfer_ns_per_element = 0;
  double lc_driver_overhead_us = 0;
};

// True when `spec` (a preset name or a JSON file) describes the ALPINE
// system ("system": "alpine"). A missing file is false here: the loader
// that follows names it.
bool is_alpine_hardware(const std::string& spec);

// `spec` is a preset name (alpine-hp, alpine-lp) or a JSON file of flat
// keys (any subset; the rest keep alpine-hp's values). A missing file, bad
// JSON, an unknown key, a wrong type or an out-of-range value is BadInput
// naming the file and the key.
AlpineHardware load_alpine_hardware(const std::string& spec);
AlpineHardware alpine_hardware_from_json(const nlohmann::json& j, const std::string& where);
nlohmann::json alpine_hardware_to_json(const AlpineHardware& h);
// {"key": {"value", "source"}} of the high-power defaults.
nlohmann::json alpine_hardware_sources();
// The keys fitted to the paper's MLP figures.
std::vector<std::string> alpine_calibrated_keys();

}  // namespace aimc
