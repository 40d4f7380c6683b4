#include "engine/executor.h"

#include <map>
#include <set>
#include <stdexcept>

#include "engine/error.h"

namespace aimc {

Executor::~Executor() = default;
Executor::Executor(Executor&&) noexcept = default;
Executor& Executor::operator=(Executor&&) noexcept = default;

Executor::Executor(Graph graph, const KernelOptions& options)
    : graph_(std::make_unique<Graph>(std::move(graph))), arena_(std::make_unique<TensorArena>()) {
  std::map<std::string, int> slot_of;
  auto slot = [&](const std::string& name) {
    auto [it, inserted] = slot_of.emplace(name, slot_count_);
    if (inserted) {
      slot_names_.push_back(name);
      ++slot_count_;
    }
    return it->second;
  };
  constants_.clear();
  for (const auto& [name, t] : graph_->initializers) {
    const int s = slot(name);
    constants_.resize(slot_count_, nullptr);
    constants_[s] = &t;
  }
  for (const auto& name : graph_->inputs) input_slots_.push_back(slot(name));
  for (const auto& node : graph_->nodes) {
    Step step;
    step.kernel = make_kernel(node, *graph_, options);
    for (const auto& in : node.inputs) step.inputs.push_back(in.empty() ? -1 : slot(in));
    for (const auto& out : node.outputs) step.outputs.push_back(out.empty() ? -1 : slot(out));
    steps_.push_back(std::move(step));
  }
  for (const auto& name : graph_->outputs) {
    if (!slot_of.count(name))
      throw bad_input(graph_->source, "graph output '" + name + "' is never produced");
    output_slots_.push_back(slot_of.at(name));
  }
  constants_.resize(slot_count_, nullptr);
  // Release each non-constant, non-output slot after its last reader.
  std::set<int> keep(output_slots_.begin(), output_slots_.end());
  std::vector<int> last(slot_count_, -1);
  for (std::size_t i = 0; i < steps_.size(); ++i) {
    for (int s : steps_[i].inputs) {
      if (s >= 0) last[s] = static_cast<int>(i);
    }
  }
  for (int s = 0; s < slot_count_; ++s) {
    if (last[s] >= 0 && !keep.count(s) && !constants_[s]) steps_[last[s]].release.push_back(s);
  }
}

std::vector<Tensor> Executor::run(const std::vector<Tensor>& inputs, const RunContext& ctx,
                                  const LayerObserver& observer,
                                  const Replacements* replacements) const {
  if (replacements && replacements->size() != steps_.size())
    throw std::invalid_argument("Executor::run: one replacement slot per node expected");
  if (inputs.size() != input_slots_.size()) {
    throw bad_input(graph_->source, "expected " + std::to_string(input_slots_.size()) +
                                        " inputs, got " + std::to_string(inputs.size()));
  }
  RunContext run_ctx = ctx;
  if (!run_ctx.arena) run_ctx.arena = arena_.get();
  std::vector<Tensor> slots(slot_count_);
  std::vector<const Tensor*> view(slot_count_, nullptr);
  for (int s = 0; s < slot_count_; ++s) view[s] = constants_[s];
  for (std::size_t i = 0; i < inputs.size(); ++i) view[input_slots_[i]] = &inputs[i];
  std::vector<const Tensor*> in_ptrs;
  for (std::size_t i = 0; i < steps_.size(); ++i) {
    const Step& step = steps_[i];
    in_ptrs.clear();
    for (int s : step.inputs) in_ptrs.push_back(s >= 0 ? view[s] : nullptr);
    std::vector<Tensor> outs(step.outputs.size());
    const Kernel* kernel =
        replacements && (*replacements)[i] ? (*replacements)[i].get() : step.kernel.get();
    kernel->run(run_ctx, in_ptrs, outs);
    if (observer) observer(graph_->nodes[i], outs);
    for (std::size_t o = 0; o < outs.size(); ++o) {
      const int s = step.outputs[o];
      if (s < 0) continue;
      slots[s] = std::move(outs[o]);
      view[s] = &slots[s];
    }
    for (int s : step.release) {
      run_ctx.arena->recycle(std::move(slots[s]));
      slots[s] = Tensor();
      view[s] = nullptr;
    }
  }
  std::vector<Tensor> result;
  for (int s : output_slots_) result.push_back(view[s] ? *view[s] : Tensor());
  for (auto& t : slots) run_ctx.arena->recycle(std::move(t));
  return result;
}

}  // namespace aimc
