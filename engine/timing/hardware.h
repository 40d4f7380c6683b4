#pragma once
// The seed cluster's hardware description (DESIGN §5): every parameter of
// the timing and energy model, with the paper's values as defaults. Each
// default's source is in hardware.cpp's table; values marked "calibrated"
// are fitted to one of the paper's figures, not derived.
#include <nlohmann/json.hpp>
#include <string>

namespace aimc::timing {

struct Hardware {
  double freq_mhz = 500;
  int cores = 8;
  double tcdm_kib = 512;
  // In-memory accelerator (IMA)
  int ima_rows = 256, ima_cols = 256;
  double mvm_ns = 130;
  int bus_bits = 128;
  bool pipelined = true;
  int io_bits = 8;  // bits per streamed input and output (8-bit DAC and ADC)
  double sequential_overhead_cycles = 4;
  double cluster_job_overhead_cycles = 65;
  double streamed_job_overhead_cycles = 1;
  // Depthwise accelerator
  double dw_accel_mac_per_cycle = 29.7;
  // Software kernels on the 8 cores (cluster-wide rates)
  double sw_conv_mac_per_cycle = 15.5;
  double sw_pointwise_mac_per_cycle = 15.5;
  double sw_depthwise_mac_per_cycle = 1.1;
  double sw_depthwise_chw_mac_per_cycle = 4.0;
  double marshal_cycles_per_element = 0.43;
  double marshal_energy_pj_per_element = 72;
  double sw_gemm_mac_per_cycle = 15.5;
  double add_cycles_per_element = 0.5;
  double pool_cycles_per_element = 0.25;
  // Multi-array system
  bool multi_array_overlap_depthwise = true;
  // Power and energy at the operating point
  double cores_power_mw = 60;
  double idle_power_mw = 15;
  double dw_accel_power_mw = 20;
  double ima_job_energy_nj = 3.76;
};

// Defaults with the source of each value, as JSON ({"key": {"value", "source"}}).
nlohmann::json hardware_sources();

// Reads a hardware JSON of flat keys (any subset; the rest keep their
// defaults). A missing file, bad JSON, an unknown key, a wrong type or an
// out-of-range value is BadInput naming the file and the key.
Hardware load_hardware(const std::string& path);
Hardware hardware_from_json(const nlohmann::json& j, const std::string& where);
nlohmann::json hardware_to_json(const Hardware& h);

}  // namespace aimc::timing
