#pragma once
// The greedy rule of the placement search (models/studies/placement_search.h),
// apart from any model so that it can be checked on its own: the layers that
// save energy on the crossbar are taken in the order of accuracy lost per
// unit of energy saved, and each is kept on the crossbar when the network
// with it and the layers kept before still scores within the allowed drop of
// digital.
#include <functional>
#include <string>
#include <vector>

namespace aimc::models {

struct PlacementCandidate {
  std::string name, op;
  double drop = 0;             // top-1 lost with this layer alone analog (rate)
  double energy_saved_uj = 0;  // per image, digital minus analog
};

struct PlacementStep {
  PlacementCandidate layer;
  double top1 = 0;  // of the placement with this layer added
  bool kept = false;
};

struct GreedyPlacement {
  std::vector<std::string> analog;  // the layers kept on the crossbar, in order
  std::vector<PlacementStep> steps;
  double top1 = 0;                     // of the final placement
  double every_saving_layer_top1 = 0;  // the first trial's
  // True when the first trial, every saving layer analog at once, was kept
  // (then `steps` holds that one trial's layers, all kept).
  bool all_at_once = false;
};

// The candidates that save energy, cheapest first: by max(drop, 0) per µJ
// saved, then by the larger saving, then by name (a total order, so the
// search is reproducible). Candidates that save nothing are left out.
std::vector<PlacementCandidate> greedy_order(std::vector<PlacementCandidate> candidates);

// `top1_of(analog layers)` measures a placement. Layers are added one at a
// time in order, each kept iff the placement with it is within `max_drop`
// (a rate) of `digital_top1`. progress(trials done, trials) after each.
GreedyPlacement greedy_placement(
    const std::vector<PlacementCandidate>& ordered, double digital_top1, double max_drop,
    const std::function<double(const std::vector<std::string>&)>& top1_of,
    const std::function<void(int, int)>& progress = nullptr);

}  // namespace aimc::models
