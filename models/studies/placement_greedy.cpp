#include "models/studies/placement_greedy.h"

#include <algorithm>

namespace aimc::models {

std::vector<PlacementCandidate> greedy_order(std::vector<PlacementCandidate> candidates) {
  std::erase_if(candidates, [](const PlacementCandidate& c) { return !(c.energy_saved_uj > 0); });
  // Cross-multiplied, so that zero drops compare exactly.
  std::sort(candidates.begin(), candidates.end(),
            [](const PlacementCandidate& a, const PlacementCandidate& b) {
              const double lhs = std::max(a.drop, 0.0) * b.energy_saved_uj;
              const double rhs = std::max(b.drop, 0.0) * a.energy_saved_uj;
              if (lhs != rhs) return lhs < rhs;
              if (a.energy_saved_uj != b.energy_saved_uj)
                return a.energy_saved_uj > b.energy_saved_uj;
              return a.name < b.name;
            });
  return candidates;
}

GreedyPlacement greedy_placement(
    const std::vector<PlacementCandidate>& ordered, double digital_top1, double max_drop,
    const std::function<double(const std::vector<std::string>&)>& top1_of,
    const std::function<void(int, int)>& progress) {
  GreedyPlacement result;
  result.top1 = digital_top1;
  const int trials = static_cast<int>(ordered.size());
  for (const auto& c : ordered) {
    std::vector<std::string> trial = result.analog;
    trial.push_back(c.name);
    const double top1 = top1_of(trial);
    const bool keep = digital_top1 - top1 <= max_drop;
    result.steps.push_back({c, top1, keep});
    if (keep) {
      result.analog = std::move(trial);
      result.top1 = top1;
    }
    if (progress) progress(static_cast<int>(result.steps.size()), trials);
  }
  return result;
}

}  // namespace aimc::models
