#pragma once
// Factories of the float kernels (ExecMode::kFloat, and float ops the
// integer lowering leaves in place).
#include <memory>

#include "engine/kernel.h"

namespace aimc::floatk {

std::unique_ptr<Kernel> make_conv(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_gemm(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_matmul(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_add(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_sub(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_mul(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_div(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_relu(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_clip(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_sigmoid(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_global_average_pool(const Node& n, const Graph& g,
                                                 const KernelOptions& o);
std::unique_ptr<Kernel> make_average_pool(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_max_pool(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_flatten(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_reshape(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_transpose(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_concat(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_pad(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_softmax(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_batch_normalization(const Node& n, const Graph& g,
                                                 const KernelOptions& o);
std::unique_ptr<Kernel> make_quantize_linear(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_dequantize_linear(const Node& n, const Graph& g,
                                               const KernelOptions& o);

}  // namespace aimc::floatk
