#include "models/studies/placement_search.h"

#include <algorithm>
#include <map>

#include "engine/timing/cluster_model.h"
#include "engine/timing/graph_layers.h"

namespace aimc::models {
namespace {

struct CostedPlacement {
  PlacementCost total;
  std::map<std::string, double> energy_uj;  // per costed layer
};

CostedPlacement costed(const LayerSensitivity& study, const Hardware& hw,
                       const std::vector<std::string>& analog, Graph* placed) {
  Graph g = prepare_graph(study.graph(), study.options_with_analog(analog));
  const auto layers = timing::layers_from_graph(g);
  const timing::TimingReport r = timing::estimate(layers, hw, timing::system_for(layers));
  CostedPlacement c;
  c.total = {r.energy_uj, r.latency_ms, r.arrays, static_cast<int>(analog.size())};
  for (const auto& l : r.layers) c.energy_uj[l.name] += l.energy_uj;
  if (placed) *placed = std::move(g);
  return c;
}

// Each layer's energy per image on the cores minus on the crossbar.
std::map<std::string, double> energy_saved(const LayerSensitivity& study, const Hardware& hw,
                                           PlacementCost* all_digital) {
  std::vector<std::string> every;
  for (const auto& l : study.layers()) every.push_back(l.name);
  const CostedPlacement digital = costed(study, hw, {}, nullptr);
  const CostedPlacement analog = costed(study, hw, every, nullptr);
  *all_digital = digital.total;
  const auto energy_in = [](const CostedPlacement& p, const std::string& name) {
    const auto it = p.energy_uj.find(name);
    return it == p.energy_uj.end() ? 0.0 : it->second;
  };
  std::map<std::string, double> saved;
  for (const auto& name : every) saved[name] = energy_in(digital, name) - energy_in(analog, name);
  return saved;
}

}  // namespace

PlacementSearchResult search_placement(const LayerSensitivity& study, const Hardware& hw,
                                       double max_drop, const SearchProgress& progress) {
  PlacementSearchResult result;
  const auto saved = energy_saved(study, hw, &result.all_digital);
  std::vector<PlacementCandidate> all;
  for (const auto& l : study.layers()) all.push_back({l.name, l.op, 0, saved.at(l.name)});
  std::vector<std::string> saving;
  for (const auto& c : greedy_order(all)) saving.push_back(c.name);
  result.every_saving_layer = costed(study, hw, saving, nullptr).total;

  // The cheapest candidate first: every layer that saves energy at once.
  result.digital_top1 = study.digital_top1();
  result.every_saving_layer_top1 = study.top1_with_analog(saving);
  if (result.digital_top1 - result.every_saving_layer_top1 <= max_drop) {
    result.all_at_once = true;
    result.candidates = all;
    result.greedy.analog = saving;
    result.greedy.top1 = result.every_saving_layer_top1;
  } else {
    const int layers = static_cast<int>(all.size());
    const auto costs = study.costs(result.digital_top1, [&](int done) {
      if (progress) progress("sensitivity", done, layers);
    });
    for (auto& c : all)
      c.drop = std::find_if(costs.begin(), costs.end(), [&](const LayerCost& k) {
                 return k.name == c.name;
               })->drop;
    result.sensitivities_measured = true;
    const auto ordered = greedy_order(all);
    result.candidates = ordered;
    for (const auto& c : all)
      if (!(c.energy_saved_uj > 0)) result.candidates.push_back(c);
    result.greedy = greedy_placement(
        ordered, result.digital_top1, max_drop,
        [&](const std::vector<std::string>& a) { return study.top1_with_analog(a); },
        [&](int done, int of) {
          if (progress) progress("search", done, of);
        });
  }
  result.chosen = costed(study, hw, result.greedy.analog, &result.placed).total;
  return result;
}

}  // namespace aimc::models
