#include "engine/hardware/hardware.h"

#include <stdexcept>

#include "engine/error.h"
#include "engine/json_fields.h"
#include "engine/json_file.h"
#include "engine/presets.h"

namespace aimc {
namespace {

using fields::flag;
using fields::number;
using H = Hardware;

// The schema of a hardware description, in the struct's order.
const fields::Table<H>& table() {
  static const fields::Table<H> t = {
      number("freq_mhz", &H::freq_mhz, 1, 10000, "MHz",
             "paper: 500 MHz at 0.8 V, 250 MHz at 0.65 V"),
      number("cores", &H::cores, 1, 1024, "", "paper: 8 RI5CY cores"),
      number("tcdm_kib", &H::tcdm_kib, 1, 1 << 20, "KiB", "paper: 512 kB TCDM in 32 banks"),
      number("ima_rows", &H::ima_rows, 1, 65536, "", "paper: 256x256 PCM crossbar"),
      number("ima_cols", &H::ima_cols, 1, 65536, "", "paper: 256x256 PCM crossbar"),
      number("dac_bits", &H::dac_bits, 1, 16, "bit", "paper: 8-bit DAC (signed PWM pulses)"),
      number("adc_bits", &H::adc_bits, 2, 16, "bit", "paper: 8-bit ADC"),
      number("weight_bits", &H::weight_bits, 2, 16, "bit",
             "paper: 4-bit weights on differential PCM pairs"),
      number("mvm_ns", &H::mvm_ns, 1e-3, 1e6, "ns", "paper: 130 ns per MVM"),
      number("bus_bits", &H::bus_bits, 8, 4096, "bit", "paper's choice: 128-bit"),
      flag("pipelined", &H::pipelined, "paper's choice: pipelined stream-in/compute/stream-out"),
      number("io_bits", &H::io_bits, 1, 64, "bit",
             "paper: inputs and outputs stream as 8-bit words (the DAC's and ADC's width)"),
      number("sequential_overhead_cycles", &H::sequential_overhead_cycles, 0, 1e6, "cycle",
             "assumed: a few cycles of FIFO/setup between sequential phases (4)"),
      number("cluster_job_overhead_cycles", &H::cluster_job_overhead_cycles, 0, 1e6, "cycle",
             "calibrated: cores program and synchronise each job in the single-IMA cluster; 65 "
             "cycles reproduce the Bottleneck speed-ups of the paper's Sec. V-C"),
      number("streamed_job_overhead_cycles", &H::streamed_job_overhead_cycles, 0, 1e6, "cycle",
             "calibrated: back-to-back jobs of the multi-array system; 1 cycle reproduces the "
             "958 GOPS peak at 250 MHz"),
      number("dw_accel_mac_per_cycle", &H::dw_accel_mac_per_cycle, 1e-3, 1e6, "MAC/cycle",
             "paper: 29.7 MAC/cycle on average (26x software)"),
      number("sw_conv_mac_per_cycle", &H::sw_conv_mac_per_cycle, 1e-3, 1e6, "MAC/cycle",
             "assumed equal to the pointwise rate (PULP-NN im2col convolution)"),
      number("sw_pointwise_mac_per_cycle", &H::sw_pointwise_mac_per_cycle, 1e-3, 1e6, "MAC/cycle",
             "PULP-NN: int8 pointwise on 8 cores, about 15.5 MAC/cycle"),
      number("sw_depthwise_mac_per_cycle", &H::sw_depthwise_mac_per_cycle, 1e-3, 1e6, "MAC/cycle",
             "PULP-NN: depthwise (HWC), about 1.1 MAC/cycle"),
      number("sw_depthwise_chw_mac_per_cycle", &H::sw_depthwise_chw_mac_per_cycle, 1e-3, 1e6,
             "MAC/cycle",
             "calibrated: depthwise on CHW data in the hybrid mapping (with the marshalling "
             "cost, reproduces the hybrid speed-up)"),
      number("marshal_cycles_per_element", &H::marshal_cycles_per_element, 0, 1e6, "cycle",
             "calibrated: HWC<->CHW marshalling of the hybrid mapping, cluster-wide"),
      number("marshal_energy_pj_per_element", &H::marshal_energy_pj_per_element, 0, 1e9, "pJ",
             "calibrated: the extra TCDM traffic of marshalling one element (read and write "
             "across the interconnect); reproduces the hybrid energy efficiency"),
      number("sw_gemm_mac_per_cycle", &H::sw_gemm_mac_per_cycle, 1e-3, 1e6, "MAC/cycle",
             "assumed equal to the pointwise rate"),
      number("add_cycles_per_element", &H::add_cycles_per_element, 0, 1e6, "cycle",
             "assumed: residual add with requantization, about 4 cycles per element per core"),
      number("pool_cycles_per_element", &H::pool_cycles_per_element, 0, 1e6, "cycle",
             "assumed: global average pooling, 2 cycles per element per core"),
      number("activation_cycles_per_element", &H::activation_cycles_per_element, 0, 1e6, "cycle",
             "assumed: a float sigmoid, tanh, exp or division in software, about 16 cycles per "
             "element per core (int8 ones are table lookups, costed at the add rate)"),
      number("softmax_cycles_per_element", &H::softmax_cycles_per_element, 0, 1e6, "cycle",
             "assumed: softmax's max pass, exp, sum and scaling, about 24 cycles per element per "
             "core"),
      number("copy_cycles_per_element", &H::copy_cycles_per_element, 0, 1e6, "cycle",
             "assumed: Transpose, Concat, Pad, Slice, Gather and the like move each element with "
             "a load and a store, 2 cycles per element per core"),
      flag("multi_array_overlap_depthwise", &H::multi_array_overlap_depthwise,
           "assumed: in the scaled-up system the depthwise accelerator has its own ports and "
           "works while the arrays compute"),
      number("cores_power_mw", &H::cores_power_mw, 0, 1e6, "mW",
             "assumed: cluster with 8 busy cores at 500 MHz, 0.8 V"),
      number("idle_power_mw", &H::idle_power_mw, 0, 1e6, "mW",
             "assumed: cluster with waiting cores (clock tree, TCDM, interconnect)"),
      number("dw_accel_power_mw", &H::dw_accel_power_mw, 0, 1e6, "mW", "assumed"),
      number("ima_job_energy_nj", &H::ima_job_energy_nj, 0, 1e6, "nJ",
             "calibrated: one IMA job (DAC, array, ADC, digital control) so that the "
             "multi-array MobileNetV2 takes the paper's 482 uJ"),
  };
  return t;
}

Hardware read_into(Hardware h, const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw bad_input(where, "the hardware description must be a JSON object");
  if (j.contains("system")) {
    // Both systems' files share the --hw option; the other one is refused by name.
    if (j["system"] == "alpine")
      throw bad_input(where, "key 'system': an ALPINE description; only `aimc timing` costs it");
    if (j["system"] != "seed-cluster")
      throw bad_input(where, "key 'system': expected \"seed-cluster\" or \"alpine\"");
    nlohmann::json rest = j;
    rest.erase("system");
    fields::read(table(), rest, h, {where, "", "."});
    return h;
  }
  fields::read(table(), j, h, {where, "", "."});
  return h;
}

// The seed cluster, read once: it is every default, so its file must give
// every key (an embedded file that does not is a build defect).
const Hardware& seed_cluster() {
  static const Hardware seed = [] {
    const std::string where = presets::path("hardware", "seed-cluster");
    const auto j = presets::find("hardware", "seed-cluster");
    if (!j) throw std::logic_error(where + " is not embedded");
    for (const auto& f : table())
      if (!j->contains(f.name)) throw std::logic_error(where + " lacks key '" + f.name + "'");
    return read_into(Hardware(Hardware::Blank{}), *j, where);
  }();
  return seed;
}

}  // namespace

Hardware::Hardware() : Hardware(seed_cluster()) {}

Hardware hardware_from_json(const nlohmann::json& j, const std::string& where) {
  return read_into(Hardware{}, j, where);
}

std::vector<std::string> hardware_preset_names() { return presets::names("hardware"); }

Hardware hardware_preset(const std::string& name, const std::string& where) {
  const auto j = presets::find("hardware", name);
  if (!j) {
    std::string list;
    for (const auto& n : hardware_preset_names()) list += (list.empty() ? "" : ", ") + n;
    throw bad_input(where,
                    "unknown hardware '" + name + "' (presets: " + list + "; or give a JSON file)");
  }
  return hardware_from_json(*j, presets::path("hardware", name));
}

Hardware load_hardware(const std::string& spec) {
  if (presets::is_name(spec)) return hardware_preset(spec);
  return hardware_from_json(read_json_file(spec, spec, "hardware description not found"), spec);
}

nlohmann::json hardware_to_json(const Hardware& h) { return fields::write(table(), h); }

nlohmann::json hardware_sources() { return fields::sources(table(), Hardware{}); }

nlohmann::json hardware_schema() {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& f : table()) j[f.name] = fields::describe(f);
  return j;
}

}  // namespace aimc
