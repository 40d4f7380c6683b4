#include "models/studies/alpine_report.h"

#include <sstream>

#include "engine/passes/place_alpine.h"
#include "models/studies/text_table.h"

namespace aimc::models {
namespace {

using timing::AlpineReport;

// "3" or "0-3"; "-" for the loosely coupled accelerator's layers.
std::string core_range(const timing::AlpineLayerCost& l) {
  if (l.cores <= 0) return "-";
  if (l.cores == 1) return std::to_string(l.first_core);
  return std::to_string(l.first_core) + "-" + std::to_string(l.first_core + l.cores - 1);
}

std::string header(const AlpineReport& r) {
  std::string out;
  appendf(out, "ALPINE %s, %s mapping, %d cores at %.0f MHz\n",
          timing::alpine_scenario_name(r.scenario).c_str(),
          timing::alpine_mapping_name(r.mapping).c_str(), r.cores, r.freq_mhz);
  return out;
}

std::string totals(const AlpineReport& r) {
  std::string out;
  if (!r.uncosted.empty()) {
    appendf(out, "uncosted (left out of the totals):\n");
    for (const auto& u : r.uncosted)
      appendf(out, "%-18s %-10s %s\n", u.name.c_str(), u.op.c_str(), u.reason.c_str());
  }
  appendf(out,
          "total: latency %.0f cycles = %.3f us, period %.0f cycles = %.3f us (%.0f "
          "inferences/s), %.2f MMAC, %d tiles\n",
          r.latency_cycles, r.latency_cycles / r.freq_mhz, r.period_cycles,
          r.period_cycles / r.freq_mhz, 1e6 / (r.period_cycles / r.freq_mhz), r.mmac, r.tiles);
  appendf(out,
          "instructions: %lld CM_QUEUE, %lld CM_PROCESS, %lld CM_DEQUEUE, %lld CM_INITIALIZE per "
          "inference\n",
          static_cast<long long>(r.ops.queue), static_cast<long long>(r.ops.process),
          static_cast<long long>(r.ops.dequeue), static_cast<long long>(r.ops.paramwrite));
  appendf(out,
          "energy: %.3f uJ per inference (cores %.3f, uncore %.3f, tiles %.3f, DRAM %.3f) over "
          "the %s\n",
          r.energy_uj, r.core_energy_uj, r.uncore_energy_uj, r.tile_energy_uj, r.dram_energy_uj,
          r.metric().c_str());
  return out;
}

}  // namespace

timing::AlpineReport cost_alpine(const std::vector<timing::LayerShape>& layers,
                                 const AlpineHardware& h, const timing::AlpineOptions& o) {
  return timing::estimate_alpine(layers, place_alpine(layers, h, o), h, o);
}

std::string alpine_table(const AlpineReport& r) {
  std::string out = header(r);
  appendf(out, "%-10s %-9s %-11s %5s %5s %5s %12s %9s %8s %9s %12s %10s %10s\n", "layer", "op",
          "unit", "stage", "cores", "tiles", "MACs", "queue", "process", "dequeue", "cycles",
          "time_us", "tile_nJ");
  for (const auto& l : r.layers)
    appendf(out, "%-10s %-9s %-11s %5d %5s %5d %12lld %9lld %8lld %9lld %12.0f %10.3f %10.2f\n",
            l.name.c_str(), l.op.c_str(), l.unit.c_str(), l.stage, core_range(l).c_str(), l.tiles,
            static_cast<long long>(l.macs), static_cast<long long>(l.ops.queue),
            static_cast<long long>(l.ops.process), static_cast<long long>(l.ops.dequeue), l.cycles,
            l.cycles / r.freq_mhz, l.mvm_energy_nj);
  return out + totals(r);
}

nlohmann::json alpine_json(const AlpineReport& r) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : r.layers)
    layers.push_back({{"name", l.name},
                      {"op", l.op},
                      {"unit", l.unit},
                      {"stage", l.stage},
                      {"first_core", l.first_core},
                      {"cores", l.cores},
                      {"tiles", l.tiles},
                      {"macs", l.macs},
                      {"vectors", l.vectors},
                      {"cm_queue", l.ops.queue},
                      {"cm_process", l.ops.process},
                      {"cm_dequeue", l.ops.dequeue},
                      {"cm_paramwrite", l.ops.paramwrite},
                      {"cycles", l.cycles},
                      {"busy_core_cycles", l.busy_core_cycles},
                      {"stall_core_cycles", l.stall_core_cycles},
                      {"programming_cycles", l.programming_cycles},
                      {"dram_lines", l.dram_lines},
                      {"tile_energy_nj", l.mvm_energy_nj}});
  nlohmann::json uncosted = nlohmann::json::array();
  for (const auto& u : r.uncosted)
    uncosted.push_back({{"layer", u.name}, {"op", u.op}, {"reason", u.reason}});
  return {{"system", "alpine"},
          {"scenario", timing::alpine_scenario_name(r.scenario)},
          {"mapping", timing::alpine_mapping_name(r.mapping)},
          {"cores", r.cores},
          {"freq_mhz", r.freq_mhz},
          {"layers", layers},
          {"uncosted", uncosted},
          {"stage_cycles", r.stage_cycles},
          {"total",
           {{"latency_cycles", r.latency_cycles},
            {"period_cycles", r.period_cycles},
            {"metric", r.metric()},
            {"time_us", r.time_us()},
            {"energy_uj", r.energy_uj},
            {"core_energy_uj", r.core_energy_uj},
            {"uncore_energy_uj", r.uncore_energy_uj},
            {"tile_energy_uj", r.tile_energy_uj},
            {"dram_energy_uj", r.dram_energy_uj},
            {"mmac", r.mmac},
            {"tiles", r.tiles},
            {"cm_queue", r.ops.queue},
            {"cm_process", r.ops.process},
            {"cm_dequeue", r.ops.dequeue},
            {"cm_paramwrite", r.ops.paramwrite}}}};
}

std::string alpine_csv(const AlpineReport& r) {
  std::ostringstream out;
  out << "name,op,unit,stage,cores,tiles,macs,cm_queue,cm_process,cm_dequeue,cm_paramwrite,"
         "cycles,time_us,tile_energy_nj\n";
  for (const auto& l : r.layers)
    out << l.name << ',' << l.op << ',' << l.unit << ',' << l.stage << ',' << l.cores << ','
        << l.tiles << ',' << l.macs << ',' << l.ops.queue << ',' << l.ops.process << ','
        << l.ops.dequeue << ',' << l.ops.paramwrite << ',' << l.cycles << ','
        << l.cycles / r.freq_mhz << ',' << l.mvm_energy_nj << '\n';
  return out.str();
}

std::string alpine_compare_table(const AlpineReport& d, const AlpineReport& o) {
  std::string out;
  appendf(out, "ALPINE digital (NEON) against %s, %s mapping, %d cores at %.0f MHz\n",
          timing::alpine_scenario_name(o.scenario).c_str(),
          timing::alpine_mapping_name(o.mapping).c_str(), o.cores, o.freq_mhz);
  appendf(out, "%-10s %-9s %14s %14s %9s\n", "layer", "op", "digital_cyc",
          (timing::alpine_scenario_name(o.scenario) + "_cyc").c_str(), "speed-up");
  for (std::size_t i = 0; i < d.layers.size() && i < o.layers.size(); ++i) {
    const auto& a = d.layers[i];
    const auto& b = o.layers[i];
    appendf(out, "%-10s %-9s %14.0f %14.0f %8.2fx\n", a.name.c_str(), a.op.c_str(), a.cycles,
            b.cycles, b.cycles > 0 ? a.cycles / b.cycles : 0.0);
  }
  appendf(out, "%-20s %14.3f %14.3f %8.2fx   (%s, us)\n", "time", d.time_us(), o.time_us(),
          d.time_cycles() / o.time_cycles(), o.metric().c_str());
  appendf(out, "%-20s %14.3f %14.3f %8.2fx   (uJ per inference)\n", "energy", d.energy_uj,
          o.energy_uj, d.energy_uj / o.energy_uj);
  return out;
}

nlohmann::json alpine_compare_json(const AlpineReport& d, const AlpineReport& o) {
  return {{"digital", alpine_json(d)},
          {timing::alpine_scenario_name(o.scenario), alpine_json(o)},
          {"speedup", d.time_cycles() / o.time_cycles()},
          {"energy_gain", d.energy_uj / o.energy_uj},
          {"metric", o.metric()}};
}

}  // namespace aimc::models
