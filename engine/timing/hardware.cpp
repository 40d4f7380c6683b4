#include "engine/timing/hardware.h"

#include <fstream>
#include <functional>
#include <map>

#include "engine/error.h"
#include "engine/json_file.h"

namespace aimc::timing {
namespace {

struct Field {
  std::function<void(Hardware&, double)> set;
  std::function<double(const Hardware&)> get;
  double lo = 0, hi = 0;
  enum Kind { kNumber, kInteger, kFlag } kind = kNumber;
  const char* source = "";
};

template <typename T>
Field member(T Hardware::*m, double lo, double hi, Field::Kind kind, const char* src) {
  return {[m](Hardware& h, double v) { h.*m = static_cast<T>(v); },
          [m](const Hardware& h) { return static_cast<double>(h.*m); },
          lo,
          hi,
          kind,
          src};
}

const std::map<std::string, Field>& fields() {
  static const std::map<std::string, Field> table = [] {
    using K = Field::Kind;
    std::map<std::string, Field> t;
    auto num = [&t](const char* key, double Hardware::*m, double lo, double hi, const char* src) {
      t[key] = member(m, lo, hi, K::kNumber, src);
    };
    auto integer = [&t](const char* key, int Hardware::*m, double lo, double hi, const char* src) {
      t[key] = member(m, lo, hi, K::kInteger, src);
    };
    auto flag = [&t](const char* key, bool Hardware::*m, const char* src) {
      t[key] = member(m, 0, 1, K::kFlag, src);
    };
    num("freq_mhz", &Hardware::freq_mhz, 1, 10000, "paper: 500 MHz at 0.8 V, 250 MHz at 0.65 V");
    num("tcdm_kib", &Hardware::tcdm_kib, 1, 1 << 20, "paper: 512 kB TCDM in 32 banks");
    num("mvm_ns", &Hardware::mvm_ns, 1e-3, 1e6, "paper: 130 ns per MVM");
    num("sequential_overhead_cycles", &Hardware::sequential_overhead_cycles, 0, 1e6,
        "DESIGN §5: a few cycles of FIFO/setup between sequential phases (assumed 4)");
    num("cluster_job_overhead_cycles", &Hardware::cluster_job_overhead_cycles, 0, 1e6,
        "calibrated: cores program and synchronise each job in the single-IMA cluster; 65 "
        "cycles reproduce the Bottleneck speed-ups of the paper's Sec. V-C");
    num("streamed_job_overhead_cycles", &Hardware::streamed_job_overhead_cycles, 0, 1e6,
        "calibrated: back-to-back jobs of the multi-array system; 1 cycle reproduces the "
        "958 GOPS peak at 250 MHz");
    num("dw_accel_mac_per_cycle", &Hardware::dw_accel_mac_per_cycle, 1e-3, 1e6,
        "paper: 29.7 MAC/cycle on average (26x software)");
    num("sw_conv_mac_per_cycle", &Hardware::sw_conv_mac_per_cycle, 1e-3, 1e6,
        "assumed equal to the pointwise rate (PULP-NN im2col convolution)");
    num("sw_pointwise_mac_per_cycle", &Hardware::sw_pointwise_mac_per_cycle, 1e-3, 1e6,
        "DESIGN §5: PULP-NN int8 pointwise on 8 cores, about 15.5 MAC/cycle");
    num("sw_depthwise_mac_per_cycle", &Hardware::sw_depthwise_mac_per_cycle, 1e-3, 1e6,
        "DESIGN §5: PULP-NN depthwise (HWC), about 1.1 MAC/cycle");
    num("sw_depthwise_chw_mac_per_cycle", &Hardware::sw_depthwise_chw_mac_per_cycle, 1e-3, 1e6,
        "calibrated: depthwise on CHW data in the hybrid mapping (with the marshalling "
        "cost, reproduces the hybrid speed-up)");
    num("marshal_cycles_per_element", &Hardware::marshal_cycles_per_element, 0, 1e6,
        "calibrated: HWC<->CHW marshalling of the hybrid mapping, cluster-wide");
    num("marshal_energy_pj_per_element", &Hardware::marshal_energy_pj_per_element, 0, 1e9,
        "calibrated: the extra TCDM traffic of marshalling one element (read and write "
        "across the interconnect); reproduces the hybrid energy efficiency");
    num("sw_gemm_mac_per_cycle", &Hardware::sw_gemm_mac_per_cycle, 1e-3, 1e6,
        "assumed equal to the pointwise rate");
    num("add_cycles_per_element", &Hardware::add_cycles_per_element, 0, 1e6,
        "assumed: residual add with requantization, about 4 cycles per element per core");
    num("pool_cycles_per_element", &Hardware::pool_cycles_per_element, 0, 1e6,
        "assumed: global average pooling, 2 cycles per element per core");
    num("cores_power_mw", &Hardware::cores_power_mw, 0, 1e6,
        "assumed: cluster with 8 busy cores at 500 MHz, 0.8 V");
    num("idle_power_mw", &Hardware::idle_power_mw, 0, 1e6,
        "assumed: cluster with waiting cores (clock tree, TCDM, interconnect)");
    num("dw_accel_power_mw", &Hardware::dw_accel_power_mw, 0, 1e6, "assumed");
    num("ima_job_energy_nj", &Hardware::ima_job_energy_nj, 0, 1e6,
        "calibrated: one IMA job (DAC, array, ADC, digital control) so that the multi-array "
        "MobileNetV2 takes the paper's 482 uJ");
    integer("cores", &Hardware::cores, 1, 1024, "paper: 8 RI5CY cores");
    integer("ima_rows", &Hardware::ima_rows, 1, 65536, "paper: 256x256 PCM crossbar");
    integer("ima_cols", &Hardware::ima_cols, 1, 65536, "paper: 256x256 PCM crossbar");
    integer("bus_bits", &Hardware::bus_bits, 8, 4096, "paper's choice: 128-bit");
    integer("io_bits", &Hardware::io_bits, 1, 64, "paper: 8-bit DAC and ADC");
    flag("pipelined", &Hardware::pipelined,
         "paper's choice: pipelined stream-in/compute/stream-out");
    flag("multi_array_overlap_depthwise", &Hardware::multi_array_overlap_depthwise,
         "assumed: in the scaled-up system the depthwise accelerator has its own ports and "
         "works while the arrays compute");
    return t;
  }();
  return table;
}

}  // namespace

Hardware hardware_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw bad_input(where, "the hardware description must be a JSON object");
  Hardware h;
  for (const auto& [key, v] : j.items()) {
    auto it = fields().find(key);
    if (it == fields().end()) throw bad_input(where, "unknown key '" + key + "'");
    const Field& f = it->second;
    if (f.kind == Field::kFlag) {
      if (!v.is_boolean()) throw bad_input(where, "key '" + key + "' must be true or false");
      f.set(h, v.get<bool>() ? 1.0 : 0.0);
      continue;
    }
    if (!v.is_number()) throw bad_input(where, "key '" + key + "' must be a number");
    const double d = v.get<double>();
    if (!(d >= f.lo && d <= f.hi))
      throw bad_input(where, "key '" + key + "' = " + v.dump() + " is out of range");
    if (f.kind == Field::kInteger && d != static_cast<double>(static_cast<int64_t>(d)))
      throw bad_input(where, "key '" + key + "' must be an integer");
    f.set(h, d);
  }
  return h;
}

Hardware load_hardware(const std::string& path) {
  return hardware_from_json(read_json_file(path, path, "hardware description not found"), path);
}

nlohmann::json hardware_to_json(const Hardware& h) {
  nlohmann::json j;
  for (const auto& [key, f] : fields()) {
    if (f.kind == Field::kFlag)
      j[key] = f.get(h) != 0;
    else if (f.kind == Field::kInteger)
      j[key] = static_cast<int>(f.get(h));
    else
      j[key] = f.get(h);
  }
  return j;
}

nlohmann::json hardware_sources() {
  nlohmann::json j;
  const nlohmann::json values = hardware_to_json(Hardware{});
  for (const auto& [key, f] : fields()) j[key] = {{"value", values[key]}, {"source", f.source}};
  return j;
}

}  // namespace aimc::timing
