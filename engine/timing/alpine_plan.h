#pragma once
// Where each layer runs on the ALPINE system, as the placement pass
// (engine/passes/place_alpine.h) decides it and the cost model reads it.
#include <vector>

namespace aimc::timing {

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

}  // namespace aimc::timing
