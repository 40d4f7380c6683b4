#pragma once
// The placement pass for the ALPINE system: which layers run on tiles (and
// on which cores), on the cores in NEON code, or on the loosely coupled
// accelerator; how a layer's columns are divided over cores; which
// pipeline stage each layer belongs to. Decided once here; the cost model
// (engine/timing/alpine_model.h) reads it.
#include <vector>

#include "engine/hardware/alpine_hardware.h"
#include "engine/timing/alpine_model.h"
#include "engine/timing/layer_shape.h"

namespace aimc {

struct AlpineLayerPlacement {
  bool on_tiles = false;        // its matrix products on the tiles of its cores
  bool on_accelerator = false;  // loosely coupled: in the memory-mapped accelerator
  // Its columns (hidden units) divided into this many slices, each on its
  // own cores (the split mapping, or the digital baseline's share of the
  // cores the tightly coupled run gives the layer).
  int split = 1;
  int first_core = 0, cores = 1;  // the cores it runs on
  int tiles = 0;                  // arrays holding its weights (all slices)
  int stage = 0;                  // pipeline: the core its stage runs on
  // Digital: whether its weights stream from DRAM (the network's do not stay
  // in L2) and how many cores stream at the same time.
  bool weights_in_dram = false;
  int streaming_cores = 1;
};

struct AlpinePlan {
  std::vector<AlpineLayerPlacement> layers;  // one per given layer
  int cores = 0;                             // the cores the run uses
  int stages = 0;                            // pipeline stages (0 otherwise)
};

// BadInput naming the layer when its weights do not fit the tiles (unless
// count_programming), when the loosely coupled accelerator is asked for
// another mapping or its first matrix layer is not a Gemm/MatMul.
AlpinePlan place_alpine(const std::vector<timing::LayerShape>& layers, const AlpineHardware& h,
                        const timing::AlpineOptions& o);

}  // namespace aimc
