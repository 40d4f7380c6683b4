#pragma once
// The seed cluster's hardware description: every parameter of the timing and
// energy model and the in-memory accelerator's (IMA's) array, converters and
// weights, which the ima-paper analog preset takes from here. The values live
// in engine/presets/hardware/seed-cluster.json (one source); the field table
// in hardware.cpp gives each one's range, unit and source. Values marked
// "calibrated" are fitted to one of the paper's figures, not derived.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace aimc {

struct Hardware {
  // The seed cluster, as engine/presets/hardware/seed-cluster.json gives it.
  Hardware();
  struct Blank {};
  // Every value zero: the base a complete description is read into.
  explicit Hardware(Blank) {}

  double freq_mhz = 0;
  int cores = 0;
  double tcdm_kib = 0;
  // In-memory accelerator (IMA)
  int ima_rows = 0, ima_cols = 0;
  int dac_bits = 0, adc_bits = 0;  // the converters' resolution
  int weight_bits = 0;             // levels one weight is stored with
  double mvm_ns = 0;
  int bus_bits = 0;
  bool pipelined = false;
  int io_bits = 0;  // bits per streamed input and output
  double sequential_overhead_cycles = 0;
  double cluster_job_overhead_cycles = 0;
  double streamed_job_overhead_cycles = 0;
  // Depthwise accelerator
  double dw_accel_mac_per_cycle = 0;
  // Software kernels on the cores (cluster-wide rates)
  double sw_conv_mac_per_cycle = 0;
  double sw_pointwise_mac_per_cycle = 0;
  double sw_depthwise_mac_per_cycle = 0;
  double sw_depthwise_chw_mac_per_cycle = 0;
  double marshal_cycles_per_element = 0;
  double marshal_energy_pj_per_element = 0;
  double sw_gemm_mac_per_cycle = 0;
  double add_cycles_per_element = 0;
  double pool_cycles_per_element = 0;
  double activation_cycles_per_element = 0;  // transcendental functions and divisions
  double softmax_cycles_per_element = 0;
  double copy_cycles_per_element = 0;  // Transpose, Concat, Pad, Slice, Gather, ...
  // Multi-array system
  bool multi_array_overlap_depthwise = false;
  // Power and energy at the operating point
  double cores_power_mw = 0;
  double idle_power_mw = 0;
  double dw_accel_power_mw = 0;
  double ima_job_energy_nj = 0;
};

// Defaults with the source of each value, as JSON ({"key": {"value", "source"}}).
nlohmann::json hardware_sources();
// Every key's type, range, unit and source ({"key": {"type", ...}}).
nlohmann::json hardware_schema();

std::vector<std::string> hardware_preset_names();
// A named description of engine/presets/hardware/; an unknown name is
// BadInput naming `where`.
Hardware hardware_preset(const std::string& name, const std::string& where = "--hw");

// `spec` is a preset name (seed-cluster) or a JSON file of flat keys (any
// subset; the rest keep the seed cluster's values). A missing file, bad JSON,
// an unknown key, a wrong type or an out-of-range value is BadInput naming
// the file and the key.
Hardware load_hardware(const std::string& spec);
Hardware hardware_from_json(const nlohmann::json& j, const std::string& where);
nlohmann::json hardware_to_json(const Hardware& h);

// The names the timing model uses for the same description.
namespace timing {
using aimc::Hardware;
using aimc::hardware_from_json;
using aimc::hardware_sources;
using aimc::hardware_to_json;
using aimc::load_hardware;
}  // namespace timing

}  // namespace aimc
