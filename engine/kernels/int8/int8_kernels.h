#pragma once
// Factories of the integer kernels that the QDQ lowering produces.
#include <memory>

#include "engine/kernel.h"

namespace aimc::int8k {

std::unique_ptr<Kernel> make_qconv(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_qgemm(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_qadd(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_qmul(const Node& n, const Graph& g, const KernelOptions& o);
// QSigmoid, QTanh, QLeakyRelu, QHardSigmoid, QHardSwish: table lookups.
std::unique_ptr<Kernel> make_qunary(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_qglobal_average_pool(const Node& n, const Graph& g,
                                                  const KernelOptions& o);
std::unique_ptr<Kernel> make_qaverage_pool(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_qmax_pool(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_qpad(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_qconcat(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_qreshape(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_qinput(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_qquantize(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_qdequantize(const Node& n, const Graph& g, const KernelOptions& o);
// The dynamic-quantization pattern (engine/passes/lower_dynamic.h): float
// in, float out, integer products.
std::unique_ptr<Kernel> make_qdynamic_gemm(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_qdynamic_conv(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_qdynamic_lstm(const Node& n, const Graph& g, const KernelOptions& o);

}  // namespace aimc::int8k
