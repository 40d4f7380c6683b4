#pragma once
// Runs a (lowered) graph: one prepared kernel per node, values held in slots
// and released after their last use. Deterministic for any thread count:
// kernels split work only over independent outputs.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/graph.h"
#include "engine/kernel.h"

namespace aimc {

// Called after each node with the node and its output tensors (for
// --dump-layers and golden tests).
using LayerObserver = std::function<void(const Node&, std::span<const Tensor>)>;

class Executor {
 public:
  Executor(Graph graph, const KernelOptions& options = {});
  ~Executor();
  Executor(Executor&&) noexcept;
  Executor& operator=(Executor&&) noexcept;

  // Kernels to run instead of the prepared ones, by node index (null: the
  // prepared kernel), e.g. the crossbar layers of another chip state.
  using Replacements = std::vector<std::unique_ptr<Kernel>>;

  // Inputs in the order of graph().inputs; outputs in the order of graph().outputs.
  std::vector<Tensor> run(const std::vector<Tensor>& inputs, const RunContext& ctx = {},
                          const LayerObserver& observer = nullptr,
                          const Replacements* replacements = nullptr) const;

  const Graph& graph() const { return *graph_; }

 private:
  struct Step {
    std::unique_ptr<Kernel> kernel;
    std::vector<int> inputs;   // slot per input, -1 for omitted
    std::vector<int> outputs;  // slot per output
    std::vector<int> release;  // slots whose last use is this step
  };
  // Kernels keep references into the graph: it must not move when we do.
  std::unique_ptr<Graph> graph_;
  std::vector<Step> steps_;
  std::vector<std::string> slot_names_;
  std::vector<int> constant_slots_;  // initializer slot -> index in graph_.initializers order
  std::vector<const Tensor*> constants_;
  std::vector<int> input_slots_, output_slots_;
  int slot_count_ = 0;
  // Activation memory recycled between steps and runs (used when the
  // caller's context brings no arena of its own).
  std::unique_ptr<TensorArena> arena_;
};

}  // namespace aimc
