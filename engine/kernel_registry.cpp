#include <algorithm>
#include <map>

#include "engine/error.h"
#include "engine/kernel.h"

namespace aimc {
namespace {

const std::map<std::string, KernelFactory>& integer_registry() {
  static const std::map<std::string, KernelFactory> table = [] {
    std::vector<std::pair<std::string, KernelFactory>> entries;
    add_integer_kernels(entries);
    return std::map<std::string, KernelFactory>(entries.begin(), entries.end());
  }();
  return table;
}

const std::map<std::string, KernelFactory>& registry() {
  // Built once on first use and never modified: immutable, not global mutable state.
  static const std::map<std::string, KernelFactory> table = [] {
    std::vector<std::pair<std::string, KernelFactory>> entries;
    add_integer_kernels(entries);
    add_float_kernels(entries);
    return std::map<std::string, KernelFactory>(entries.begin(), entries.end());
  }();
  return table;
}

}  // namespace

std::unique_ptr<Kernel> make_kernel(const Node& node, const Graph& graph,
                                    const KernelOptions& options) {
  auto it = registry().find(node.op_type);
  if (it == registry().end()) {
    throw bad_input(graph.source, node.label() + ": unsupported operator '" + node.op_type + "'");
  }
  return it->second(node, graph, options);
}

bool is_supported_op(const std::string& op_type) { return registry().count(op_type) != 0; }

bool is_internal_op(const std::string& op_type) { return integer_registry().count(op_type) != 0; }

std::vector<std::string> supported_ops() {
  std::vector<std::string> ops;
  for (const auto& [name, f] : registry()) ops.push_back(name);
  return ops;
}

}  // namespace aimc
