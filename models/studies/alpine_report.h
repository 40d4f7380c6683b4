#pragma once
// What `aimc timing --hw alpine-*` prints: the per-layer table of one
// scenario (instructions of the ISA extension, cycles, core time busy and
// stalled on CM_PROCESS), JSON and CSV, and the comparison of the tightly
// coupled run against the same cores in NEON code, per layer and in total.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/timing/alpine_model.h"

namespace aimc::models {

// The placement pass for the ALPINE system, then the cost model on it.
timing::AlpineReport cost_alpine(const std::vector<timing::LayerShape>& layers,
                                 const AlpineHardware& h, const timing::AlpineOptions& o);

std::string alpine_table(const timing::AlpineReport& r);
nlohmann::json alpine_json(const timing::AlpineReport& r);
std::string alpine_csv(const timing::AlpineReport& r);

// Layer by layer, digital against the other run (same layers, same mapping).
std::string alpine_compare_table(const timing::AlpineReport& digital,
                                 const timing::AlpineReport& other);
nlohmann::json alpine_compare_json(const timing::AlpineReport& digital,
                                   const timing::AlpineReport& other);

}  // namespace aimc::models
