#pragma once
// The placement search: the cheapest placement (energy per image on the seed
// cluster's timing model) whose top-1 on the search images is within a given
// drop of digital. Each layer the analog configuration can place is measured
// alone on the crossbar (its sensitivity, models/studies/sensitivity.h) and
// costed both ways; then the greedy rule (models/studies/placement_greedy.h)
// adds layers in the order of accuracy lost per energy saved. The search
// images are calibration images (the calibration split): the accuracy of the
// placement it finds is then evaluated on the others.
#include <functional>
#include <string>
#include <vector>

#include "engine/graph.h"
#include "engine/hardware/hardware.h"
#include "models/studies/placement_greedy.h"
#include "models/studies/sensitivity.h"

namespace aimc::models {

// Per image on the timing model, for one placement.
struct PlacementCost {
  double energy_uj = 0, latency_ms = 0;
  int arrays = 0;
  int analog_layers = 0;
};

struct PlacementSearchResult {
  double digital_top1 = 0;
  // The first trial: every layer that saves energy on the crossbar at once.
  double every_saving_layer_top1 = 0;
  // That trial was within the drop: it is the answer, and no layer's
  // sensitivity was measured (the candidates' drops are 0 then, unmeasured).
  bool all_at_once = false;
  bool sensitivities_measured = false;
  // Every layer the configuration can place with its saving and, when
  // measured, its drop alone: in greedy order, then those that save nothing.
  std::vector<PlacementCandidate> candidates;
  GreedyPlacement greedy;  // the layers kept (and, when searched, each trial)
  // Every layer digital; every layer that saves energy analog (the greedy
  // search's first trial); the placement found.
  PlacementCost all_digital, every_saving_layer, chosen;
  Graph placed;  // the chosen placement, as the placement pass annotated it
};

// progress(stage, done, of): stage "sensitivity" (one layer alone at a
// time), then "search" (greedy trials).
using SearchProgress = std::function<void(const std::string&, int, int)>;

// `max_drop` is a rate (0.02: two points of top-1).
PlacementSearchResult search_placement(const LayerSensitivity& study, const Hardware& hw,
                                       double max_drop, const SearchProgress& progress = nullptr);

}  // namespace aimc::models
