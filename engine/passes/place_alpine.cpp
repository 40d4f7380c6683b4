#include "engine/passes/place_alpine.h"

#include <algorithm>
#include <string>

#include "engine/error.h"
#include "engine/timing/alpine_geometry.h"

namespace aimc {
namespace {

using timing::has_matrix;
using timing::LayerOp;
using timing::LayerShape;

// Layers grouped into pipeline stages: a matrix layer opens a stage and the
// per-element layers after it (activation, pooling) join it; layers before
// the first matrix layer join the first stage.
std::vector<int> stage_of_layers(const std::vector<LayerShape>& layers) {
  std::vector<int> stage(layers.size(), 0);
  int current = -1;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (has_matrix(layers[i])) ++current;
    stage[i] = std::max(current, 0);
  }
  return stage;
}

bool weights_exceed_l2(const AlpineHardware& h, const std::vector<LayerShape>& layers,
                       const std::vector<AlpineLayerPlacement>& on) {
  int64_t bytes = 0;
  for (std::size_t i = 0; i < layers.size(); ++i)
    if (has_matrix(layers[i]) && !on[i].on_tiles && !on[i].on_accelerator)
      bytes += layers[i].weights();
  return double(bytes) > h.l2_kib * 1024.0;
}

[[noreturn]] void does_not_fit(const LayerShape& l, const std::string& why) {
  throw bad_input(l.name, "does not fit: " + why +
                              " (more cores, larger tiles, more tiles_per_core or "
                              "count_programming)");
}

bool is_relu(const LayerShape& l) {
  return l.op == LayerOp::kElementwise && (l.op_label() == "relu" || l.op_label() == "clip");
}

// Loosely coupled: the first `lc_tiles` matrix layers, if they are
// consecutive Gemms, go to the accelerator with the ReLUs and views between
// and after them; core 0 runs the rest.
void place_loose(const std::vector<LayerShape>& layers, const AlpineHardware& h,
                 std::vector<AlpineLayerPlacement>& out) {
  int taken = 0;
  bool started = false, ended = false;
  for (std::size_t i = 0; i < layers.size() && !ended; ++i) {
    const LayerShape& l = layers[i];
    if (has_matrix(l) && taken < h.lc_tiles) {
      if (l.op != LayerOp::kGemm)
        throw bad_input(
            l.name,
            "the loosely coupled accelerator runs Gemm/MatMul layers only, not " + l.op_label());
      out[i].on_accelerator = started = true;
      out[i].tiles = 1;
      out[i].cores = 0;
      ++taken;
    } else if (started && (is_relu(l) || l.op == LayerOp::kFree)) {
      out[i].on_accelerator = true;
      out[i].cores = 0;
    } else if (started) {
      ended = true;
    }
  }
  if (taken == 0)
    throw bad_input(layers.empty() ? "the network" : layers.front().name,
                    "no Gemm/MatMul layer for the loosely coupled accelerator");
}

// Tightly coupled, single and pipeline mappings: each matrix layer's tiles
// on cores of their own, in layer order.
void place_on_own_cores(const std::vector<LayerShape>& layers, const AlpineHardware& h, int cores,
                        std::vector<AlpineLayerPlacement>& out) {
  int next = 0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (!has_matrix(layers[i])) continue;
    const int dirs = layers[i].op == LayerOp::kRecurrent ? layers[i].directions : 1;
    out[i].on_tiles = true;
    out[i].tiles = timing::tiles_per_slice(h, layers[i], 1) * dirs;
    out[i].cores = timing::cores_per_slice(h, layers[i], 1) * dirs;
    out[i].first_core = h.count_programming ? 0 : next;
    if (!h.count_programming) {
      next += out[i].cores;
      if (next > cores)
        does_not_fit(layers[i], "its tiles need core " + std::to_string(next) + " of " +
                                    std::to_string(cores));
    }
  }
}

// Tightly coupled, split mapping: every core holds a slice of every matrix layer.
void place_split(const std::vector<LayerShape>& layers, const AlpineHardware& h, int cores,
                 std::vector<AlpineLayerPlacement>& out) {
  int per_core = 0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (!has_matrix(layers[i])) continue;
    const int slice_cores = timing::cores_per_slice(h, layers[i], cores);
    out[i].on_tiles = true;
    out[i].split = cores;
    out[i].tiles = cores * timing::tiles_per_slice(h, layers[i], cores);
    out[i].cores = cores * slice_cores;
    per_core += timing::tiles_per_slice(h, layers[i], cores);
    if (!h.count_programming && (slice_cores > 1 || per_core > std::max(1, h.tiles_per_core)))
      does_not_fit(layers[i], "split over " + std::to_string(cores) + " cores, each core needs " +
                                  std::to_string(per_core) +
                                  " tiles for the layers so far "
                                  "(tiles_per_core " +
                                  std::to_string(h.tiles_per_core) + ")");
  }
}

}  // namespace

AlpinePlan place_alpine(const std::vector<LayerShape>& layers, const AlpineHardware& h,
                        const timing::AlpineOptions& o) {
  using timing::AlpineMapping;
  using timing::AlpineScenario;
  AlpinePlan plan;
  plan.cores = o.cores > 0 ? o.cores : h.cores;
  plan.layers.assign(layers.size(), {});
  const bool pipeline = o.mapping == AlpineMapping::kPipeline;
  const bool split = o.mapping == AlpineMapping::kSplit;
  if (o.scenario == AlpineScenario::kLoose) {
    if (o.mapping != AlpineMapping::kSingle)
      throw bad_input("--mapping",
                      "the loosely coupled accelerator runs one inference at a time "
                      "(single mapping only)");
    place_loose(layers, h, plan.layers);
  } else if (o.scenario == AlpineScenario::kTight) {
    if (h.tiles_per_core == 0)
      throw bad_input("tiles_per_core", "is 0: no tiles to run the tightly coupled scenario on");
    if (split)
      place_split(layers, h, plan.cores, plan.layers);
    else
      place_on_own_cores(layers, h, plan.cores, plan.layers);
  } else {
    // The digital baseline divides each layer over the cores its tiles take
    // in the tightly coupled run (all cores when split): the same partition.
    for (std::size_t i = 0; i < layers.size(); ++i) {
      if (!has_matrix(layers[i])) continue;
      plan.layers[i].split =
          split ? plan.cores : std::min(plan.cores, timing::cores_per_slice(h, layers[i], 1));
      plan.layers[i].cores = plan.layers[i].split;
    }
  }
  const std::vector<int> stage = stage_of_layers(layers);
  const int stages = layers.empty() ? 0 : stage.back() + 1;
  plan.stages = pipeline ? stages : 0;
  const bool in_dram = weights_exceed_l2(h, layers, plan.layers);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    AlpineLayerPlacement& p = plan.layers[i];
    // More stages than cores: contiguous stages share a core.
    if (pipeline)
      p.stage = stages <= plan.cores ? stage[i]
                                     : static_cast<int>(int64_t{stage[i]} * plan.cores / stages);
    if (split && !has_matrix(layers[i])) p.split = p.cores = plan.cores;
    // A per-element layer runs where the layer before it left its outputs.
    if (!has_matrix(layers[i]) && !split && i > 0 && plan.layers[i - 1].cores > 0)
      p.first_core = plan.layers[i - 1].first_core;
    p.weights_in_dram = in_dram;
    p.streaming_cores = split ? plan.cores : pipeline ? std::min(stages, plan.cores) : p.split;
  }
  return plan;
}

}  // namespace aimc
