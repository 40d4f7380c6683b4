#pragma once
// The kernel interface: a kernel is prepared once from its node (shapes
// checked, constants packed, multipliers computed — TFLite Micro's Prepare)
// and then run many times as a pure function of its inputs (Eval).
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/graph.h"
#include "engine/run_state.h"
#include "engine/tensor.h"
#include "engine/tensor_arena.h"

namespace aimc {

struct RunContext {
  int threads = 1;  // OpenMP threads a kernel may use; results never depend on it
  // Index of the batch's first image in the whole run: per-MVM analog noise
  // is keyed by the global image index, so results never depend on batching.
  int64_t first_image = 0;
  // Per-layer state the run reads or, calibrating, fills (calibrated ADC
  // ranges by layer name).
  RunState state = {};
  // Where outputs get their memory (the executor's arena); null: fresh memory.
  TensorArena* arena = nullptr;
};

// A kernel's output tensor, on recycled memory when the run has an arena.
// `zero = false` for outputs the kernel writes in full.
inline Tensor new_output(const RunContext& ctx, DType dtype, Shape shape, bool zero = true) {
  return ctx.arena ? ctx.arena->make(dtype, std::move(shape), zero)
                   : Tensor(dtype, std::move(shape));
}

class Kernel {
 public:
  virtual ~Kernel() = default;
  // inputs[i] is nullptr for an omitted optional input. The kernel allocates
  // its outputs (their shape depends on the batch).
  virtual void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
                   std::span<Tensor> outputs) const = 0;
};

// Which implementation of the integer kernels to use; both are bit-identical
// (tests hold them equal), the reference one is the specification.
enum class KernelFlavor { kOptimized, kReference };

// What the analog kernels need to program crossbar tiles (the analog
// configuration): defined by engine/analog, opaque here.
struct AnalogBackend;

struct KernelOptions {
  KernelFlavor flavor = KernelFlavor::kOptimized;
  // Set in analog mode. Which layers run on crossbar tiles is not decided
  // here: each node's placement annotation says so.
  std::shared_ptr<const AnalogBackend> analog;
};

using KernelFactory =
    std::function<std::unique_ptr<Kernel>(const Node&, const Graph&, const KernelOptions&)>;

// Looks up the op type; throws BadInput naming the node for unsupported ops.
std::unique_ptr<Kernel> make_kernel(const Node& node, const Graph& graph,
                                    const KernelOptions& options);
bool is_supported_op(const std::string& op_type);
// aimc's own integer ops (QConv, QAdd, ...), which only the lowering writes:
// the integer path. Every other op runs in float.
bool is_internal_op(const std::string& op_type);
std::vector<std::string> supported_ops();

// Each kernel family registers its factories through one of these functions,
// called by the registry (no static-initialisation tricks, no global state).
void add_integer_kernels(std::vector<std::pair<std::string, KernelFactory>>& table);
void add_float_kernels(std::vector<std::pair<std::string, KernelFactory>>& table);

}  // namespace aimc
