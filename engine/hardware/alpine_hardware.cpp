#include "engine/hardware/alpine_hardware.h"

#include <filesystem>
#include <stdexcept>

#include "engine/error.h"
#include "engine/json_fields.h"
#include "engine/json_file.h"
#include "engine/presets.h"

namespace aimc {
namespace {

using fields::flag;
using fields::number;
using A = AlpineHardware;

// Sources: "code" is the public gem5-X ALPINE repository (AIMClib, the
// AIMC cluster device, MinorCPU's functional units); "paper" the ALPINE
// paper as read second-hand; "derived" arithmetic on those; "assumed" an
// estimate with no published value; "calibrated" fitted to the MLP figures.
const fields::Table<A>& table() {
  static const fields::Table<A> t = {
      number("freq_mhz", &A::freq_mhz, 1, 10000, "MHz",
             "paper: high-power 2.3 GHz, low-power 0.8 GHz operating points"),
      number("cores", &A::cores, 1, 1024, "", "paper: 8 ARMv8 in-order cores (gem5 MinorCPU)"),
      number("tiles_per_core", &A::tiles_per_core, 0, 64, "",
             "code: the AIMC cluster gives every CPU one tile, selected by thread id"),
      number("tile_rows", &A::tile_rows, 0, 65536, "",
             "code: one tile per core sized by a compile-time constant (2000x2000 in gem5); "
             "0 = sized to each layer, as the paper's workloads use them"),
      number("tile_cols", &A::tile_cols, 0, 65536, "",
             "code: as tile_rows; the paper's reference tile is 256x256"),
      number("mvm_ns", &A::mvm_ns, 1e-3, 1e6, "ns",
             "code: CM_PROCESS opLat 200 cycles at 2 GHz = 100 ns; paper: 100 ns"),
      number("queue_op_ns", &A::queue_op_ns, 0, 1e6, "ns",
             "code: CM_QUEUE opLat 2 cycles at 2 GHz = 1 ns"),
      number("dequeue_op_ns", &A::dequeue_op_ns, 0, 1e6, "ns",
             "code: CM_DEQUEUE opLat 2 cycles at 2 GHz = 1 ns"),
      number("queue_bytes", &A::queue_bytes, 1, 64, "byte",
             "code: the tile's vectorization of 4 int8 per CM_QUEUE"),
      number("dequeue_bytes", &A::dequeue_bytes, 1, 64, "byte", "code: 4 int8 per CM_DEQUEUE"),
      number("paramwrite_op_ns", &A::paramwrite_op_ns, 0, 1e6, "ns",
             "code: CM_INITIALIZE (cmparamwrite) writes one int8 weight, opLat 2 at 2 GHz"),
      flag("count_programming", &A::count_programming,
           "assumed: weights are programmed once before inference, as the paper times "
           "inference only; true costs reprogramming every inference"),
      number("sw_pack_cycles_per_byte", &A::sw_pack_cycles_per_byte, 0, 100, "cycle",
             "assumed from AIMClib's queueVector: a byte load, shift and or per byte on a "
             "dependent chain (IntALU opLat 3), 3 cycles"),
      number("sw_unpack_cycles_per_byte", &A::sw_unpack_cycles_per_byte, 0, 100, "cycle",
             "assumed from AIMClib's dequeueVector: a shift and a byte store per byte, 2 cycles"),
      number("sw_im2col_cycles_per_byte", &A::sw_im2col_cycles_per_byte, 0, 100, "cycle",
             "assumed: gathering a conv patch costs a load and a store per byte, 1 cycle"),
      number("sw_int8_mac_per_cycle", &A::sw_int8_mac_per_cycle, 0.1, 16, "MAC/cycle",
             "calibrated: the NEON baseline's int8 products with fp32 accumulation (Eigen) "
             "per core, on MinorCPU's single SIMD unit; fitted to the MLP speed-up (12.8x); "
             "bound 16 = 128-bit / 8-bit lanes"),
      number("sw_acc_cycles_per_element", &A::sw_acc_cycles_per_element, 0, 1e4, "cycle",
             "assumed: adding one partial sum of a further row block"),
      number("sw_requant_cycles_per_element", &A::sw_requant_cycles_per_element, 0, 1e4, "cycle",
             "assumed: an fp32 accumulator scaled and rounded to int8"),
      number("sw_relu_cycles_per_element", &A::sw_relu_cycles_per_element, 0, 1e4, "cycle",
             "assumed"),
      number("sw_sigmoid_cycles_per_element", &A::sw_sigmoid_cycles_per_element, 0, 1e4, "cycle",
             "assumed: a software float sigmoid"),
      number("sw_tanh_cycles_per_element", &A::sw_tanh_cycles_per_element, 0, 1e4, "cycle",
             "assumed: a software float tanh"),
      number("sw_softmax_cycles_per_element", &A::sw_softmax_cycles_per_element, 0, 1e4, "cycle",
             "assumed: max pass, exp, sum and scaling"),
      number("sw_eltwise_cycles_per_element", &A::sw_eltwise_cycles_per_element, 0, 1e4, "cycle",
             "assumed: an LSTM multiply or add"),
      number("sw_pool_cycles_per_element", &A::sw_pool_cycles_per_element, 0, 1e4, "cycle",
             "assumed: per input element of a max pool"),
      number("sw_lrn_cycles_per_element", &A::sw_lrn_cycles_per_element, 0, 1e4, "cycle",
             "assumed: local response normalization (a window sum and a power)"),
      number("layer_call_overhead_cycles", &A::layer_call_overhead_cycles, 0, 1e7, "cycle",
             "assumed: per matrix layer and inference (loops, pointers, calls)"),
      number("sync_cycles", &A::sync_cycles, 0, 1e7, "cycle",
             "assumed: a pthread condition-variable hand-off or barrier between cores"),
      number("l1d_kib", &A::l1d_kib, 1, 1 << 20, "KiB", "code: the gem5-X example uses 32 kB"),
      number("l2_kib", &A::l2_kib, 1, 1 << 20, "KiB", "code: the gem5-X example uses 1 MB"),
      number("l2_bytes_per_cycle", &A::l2_bytes_per_cycle, 0.01, 1024, "byte",
             "assumed: 16 bytes per cycle from L2 to a core"),
      number("dram_gbps", &A::dram_gbps, 0.01, 1e4, "GB/s",
             "derived: one DDR4-2400 64-bit channel (the gem5-X example's memory)"),
      number("core_active_mw", &A::core_active_mw, 0, 1e5, "mW",
             "assumed: stands in for the paper's 28 nm Cortex-A53 power model"),
      number("core_stall_mw", &A::core_stall_mw, 0, 1e5, "mW",
             "assumed: a core waiting on CM_PROCESS"),
      number("core_idle_mw", &A::core_idle_mw, 0, 1e5, "mW", "assumed"),
      number("uncore_mw", &A::uncore_mw, 0, 1e5, "mW",
             "assumed: L2, interconnect and memory controller"),
      number("dram_pj_per_access", &A::dram_pj_per_access, 0, 1e6, "pJ",
             "paper: 120 pJ per DRAM access (64-byte line)"),
      number("aimc_tops_per_w", &A::aimc_tops_per_w, 1e-3, 1e5, "TOPS/W",
             "paper: 12.8 TOPS/W for a 256x256 tile measured on 14 nm PCM"),
      number("aimc_energy_scale", &A::aimc_energy_scale, 1e-3, 1e3, "",
             "paper: the tile scaled to 28 nm, 5.3x high-power (2x low-power); read as an "
             "energy multiplier"),
      flag("aimc_energy_by_used_cells", &A::aimc_energy_by_used_cells,
           "assumed: false, a whole programmed tile costs 2*R*C operations per MVM"),
      number("mmio_latency_ns", &A::mmio_latency_ns, 0, 1e6, "ns",
             "code: gem5's BasicPioDevice latency of 100 ns"),
      number("mmio_extra_ns", &A::mmio_extra_ns, 0, 1e6, "ns",
             "code: the AIMC cluster answers each access 1 ns after the PIO delay"),
      number("lc_tiles", &A::lc_tiles, 1, 64, "",
             "code: the memory-mapped accelerator is a 2-layer MLP on 2 tiles"),
      number("lc_transfer_ns_per_element", &A::lc_transfer_ns_per_element, 0, 1e6, "ns",
             "code: 1 ns per int8 moved between the accelerator's tiles"),
      number("lc_driver_overhead_us", &A::lc_driver_overhead_us, 0, 1e6, "us",
             "calibrated: the driver call, DMA setup and interrupt of one inference on the "
             "loosely coupled accelerator; fitted to its MLP speed-up (4.1x)"),
  };
  return t;
}

constexpr const char* kSystemKey = "system";
constexpr const char* kSystemName = "alpine";

AlpineHardware read_into(AlpineHardware h, nlohmann::json j, const std::string& where) {
  if (!j.is_object()) throw bad_input(where, "the hardware description must be a JSON object");
  if (j.contains(kSystemKey)) {
    if (j[kSystemKey] != kSystemName)
      throw bad_input(where, std::string("key '") + kSystemKey + "': expected \"" + kSystemName +
                                 "\" in an ALPINE description");
    j.erase(kSystemKey);
  }
  fields::read(table(), j, h, {where, "", "."});
  return h;
}

const AlpineHardware& high_power() {
  static const AlpineHardware hp = [] {
    const std::string where = presets::path("hardware", "alpine-hp");
    const auto j = presets::find("hardware", "alpine-hp");
    if (!j) throw std::logic_error(where + " is not embedded");
    for (const auto& f : table())
      if (!j->contains(f.name)) throw std::logic_error(where + " lacks key '" + f.name + "'");
    return read_into(AlpineHardware(AlpineHardware::Blank{}), *j, where);
  }();
  return hp;
}

}  // namespace

AlpineHardware::AlpineHardware() : AlpineHardware(high_power()) {}

bool is_alpine_hardware(const std::string& spec) {
  std::optional<nlohmann::json> j;
  if (presets::is_name(spec)) {
    j = presets::find("hardware", spec);
  } else if (std::filesystem::is_regular_file(spec)) {
    j = read_json_file(spec, spec, "hardware description not found");
  }
  return j && j->is_object() && j->value(kSystemKey, nlohmann::json()) == kSystemName;
}

AlpineHardware alpine_hardware_from_json(const nlohmann::json& j, const std::string& where) {
  return read_into(AlpineHardware{}, j, where);
}

AlpineHardware load_alpine_hardware(const std::string& spec) {
  if (presets::is_name(spec)) {
    const auto j = presets::find("hardware", spec);
    if (!j) throw bad_input("--hw", "unknown hardware '" + spec + "'");
    return alpine_hardware_from_json(*j, presets::path("hardware", spec));
  }
  return alpine_hardware_from_json(read_json_file(spec, spec, "hardware description not found"),
                                   spec);
}

nlohmann::json alpine_hardware_to_json(const AlpineHardware& h) {
  nlohmann::json j = fields::write(table(), h);
  j[kSystemKey] = kSystemName;
  return j;
}

nlohmann::json alpine_hardware_sources() { return fields::sources(table(), AlpineHardware{}); }

std::vector<std::string> alpine_calibrated_keys() {
  std::vector<std::string> keys;
  for (const auto& f : table())
    if (f.source.rfind("calibrated", 0) == 0) keys.push_back(f.name);
  return keys;
}

}  // namespace aimc
