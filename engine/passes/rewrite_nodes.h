#pragma once
// The driver loop of the fusion passes: tries a rewrite at each node in
// order; a rewrite that succeeds may remove nodes, so the same position is
// tried again.
#include <cstddef>

#include "engine/graph.h"

namespace aimc {

// Calls at(graph, i) for i = 0, 1, ... while i < nodes; advances only when it
// returns false. Returns how many rewrites succeeded.
template <typename At>
int rewrite_nodes(Graph& graph, const At& at) {
  int rewritten = 0;
  for (std::size_t i = 0; i < graph.nodes.size();) {
    if (at(graph, i)) {
      ++rewritten;
    } else {
      ++i;
    }
  }
  return rewritten;
}

}  // namespace aimc
