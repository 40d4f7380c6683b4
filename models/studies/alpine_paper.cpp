#include "models/studies/alpine_paper.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "engine/error.h"
#include "models/specs/alpine_specs.h"
#include "models/studies/alpine_report.h"

namespace aimc::models {
namespace {

using timing::AlpineMapping;
using timing::AlpineOptions;
using timing::AlpineScenario;
using timing::LayerShape;

struct Workload {
  std::string name, spec;
  std::vector<LayerShape> layers;
  int tile = 0;
  std::vector<AlpineMapping> mappings;
};

// The grid. The MLPs and the LSTM run on the paper's reference tile,
// 256×256, one per core: MLPs of two layers (the loosely coupled
// accelerator's network) 256 or 512 wide, so that a layer spans 1 or 4
// tiles as the paper's did, timed per inference (the single mapping); one
// LSTM layer over 28 steps (MNIST rows), on the cores its tiles need or
// split over all eight. The CNNs are pipelined one stage per core on tiles
// sized to each layer, as TinyTensorLib runs them. Both operating points
// everywhere.
std::vector<Workload> workloads(const std::string& kind) {
  std::vector<Workload> w;
  if (kind == "mlp") {
    for (int width : {256, 512})
      w.push_back({"MLP 2x" + std::to_string(width),
                   "--spec alpine-mlp --width " + std::to_string(width) + " --layers 2",
                   alpine_mlp_spec({width, 2}),
                   256,
                   {AlpineMapping::kSingle}});
  } else if (kind == "lstm") {
    for (int n : {64, 128, 256})
      w.push_back({"LSTM " + std::to_string(n) + "/" + std::to_string(n) + " x28",
                   "--spec alpine-lstm --inputs " + std::to_string(n) + " --hidden " +
                       std::to_string(n) + " --steps 28",
                   alpine_lstm_spec({n, n, 28}),
                   256,
                   {AlpineMapping::kSingle, AlpineMapping::kSplit}});
  } else if (kind == "cnn") {
    for (const char* net : {"cnn-f", "cnn-m", "cnn-s"}) {
      std::string upper = net;
      std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
      w.push_back({upper,
                   std::string("--spec ") + net,
                   chatfield_cnn_spec(net),
                   0,
                   {AlpineMapping::kPipeline}});
    }
  } else {
    throw bad_input("workload", "unknown ALPINE workload kind '" + kind + "'");
  }
  return w;
}

AlpineHardware with_tile(AlpineHardware h, int tile) {
  h.tile_rows = h.tile_cols = tile;
  return h;
}

timing::AlpineReport run(const std::vector<LayerShape>& layers, const AlpineHardware& h,
                         AlpineScenario s, AlpineMapping m) {
  AlpineOptions o;
  o.scenario = s;
  o.mapping = m;
  return cost_alpine(layers, h, o);
}

double bisect(const std::function<double(double)>& f, double lo, double hi, double target,
              bool decreasing) {
  for (int i = 0; i < 100; ++i) {
    const double mid = 0.5 * (lo + hi);
    const bool above = f(mid) > target;
    if (above == decreasing)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

AlpinePoints alpine_points() {
  return {load_alpine_hardware("alpine-hp"), load_alpine_hardware("alpine-lp")};
}

std::vector<AlpineConfig> alpine_grid(const std::string& kind, const AlpinePoints& p) {
  std::vector<AlpineConfig> out;
  for (const Workload& w : workloads(kind))
    for (const auto& [point, base] : {std::pair{"hp", &p.hp}, std::pair{"lp", &p.lp}})
      for (AlpineMapping m : w.mappings) {
        const AlpineHardware h = with_tile(*base, w.tile);
        AlpineConfig c;
        c.workload = w.name;
        c.point = point;
        c.mapping = m;
        c.tile = w.tile;
        c.spec = "aimc timing --hw alpine-" + std::string(point) + " " + w.spec +
                 (w.tile ? " --tile " + std::to_string(w.tile) : "") + " --mapping " +
                 timing::alpine_mapping_name(m) + " --compare";
        timing::AlpineReport tc;
        try {
          tc = run(w.layers, h, AlpineScenario::kTight, m);
        } catch (const BadInput&) {
          continue;  // its weights do not fit the tiles in this mapping
        }
        const timing::AlpineReport d = run(w.layers, h, AlpineScenario::kDigital, m);
        c.tc_us = tc.time_us();
        c.digital_us = d.time_us();
        c.tc_uj = tc.energy_uj;
        c.digital_uj = d.energy_uj;
        c.speedup = d.time_cycles() / tc.time_cycles();
        c.energy_gain = d.energy_uj / tc.energy_uj;
        out.push_back(c);
      }
  return out;
}

AlpineConfig best_config(const std::vector<AlpineConfig>& grid) {
  if (grid.empty()) throw bad_input("workload", "no configuration of the grid fits the tiles");
  return *std::max_element(grid.begin(), grid.end(),
                           [](const auto& a, const auto& b) { return a.speedup < b.speedup; });
}

LooseResult loose_mlp(const AlpineConfig& best, const AlpinePoints& p) {
  const int width = std::stoi(best.workload.substr(best.workload.find('x') + 1));
  const AlpineHardware& h = best.point == "hp" ? p.hp : p.lp;
  const auto layers = alpine_mlp_spec({width, h.lc_tiles});
  const AlpineHardware ht = with_tile(h, best.tile);
  const auto d = run(layers, ht, AlpineScenario::kDigital, AlpineMapping::kSingle);
  const auto lc = run(layers, ht, AlpineScenario::kLoose, AlpineMapping::kSingle);
  const auto tc = run(layers, ht, AlpineScenario::kTight, AlpineMapping::kSingle);
  return {d.time_cycles() / lc.time_cycles(), lc.time_cycles() / tc.time_cycles()};
}

Calibration calibrate_alpine(const AlpinePoints& start) {
  Calibration c;
  c.points = start;
  auto set_mac = [&](double m) {
    c.points.hp.sw_int8_mac_per_cycle = c.points.lp.sw_int8_mac_per_cycle = m;
  };
  c.mac_per_cycle = bisect(
      [&](double m) {
        set_mac(m);
        return best_config(alpine_grid("mlp", c.points)).speedup;
      },
      0.1, 16, 12.8, true);
  set_mac(c.mac_per_cycle);
  const AlpineConfig best = best_config(alpine_grid("mlp", c.points));
  auto set_overhead = [&](double us) {
    c.points.hp.lc_driver_overhead_us = c.points.lp.lc_driver_overhead_us = us;
  };
  c.lc_driver_overhead_us = bisect(
      [&](double us) {
        set_overhead(us);
        return loose_mlp(best, c.points).speedup;
      },
      0, 1000, 4.1, true);
  set_overhead(c.lc_driver_overhead_us);
  return c;
}

}  // namespace aimc::models
