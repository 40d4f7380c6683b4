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
// LSTM, GRU and RNN (recurrent_*.cpp).
std::unique_ptr<Kernel> make_lstm(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_gru(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_rnn(const Node& n, const Graph& g, const KernelOptions& o);

// Shapes and element types (float_dims.cpp), selection (float_index_ops.cpp).
std::unique_ptr<Kernel> make_shape(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_unsqueeze(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_squeeze(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_expand(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_identity(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_dropout(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_constant(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_constant_of_shape(const Node& n, const Graph& g,
                                               const KernelOptions& o);
std::unique_ptr<Kernel> make_cast(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_gather(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_slice(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_split(const Node& n, const Graph& g, const KernelOptions& o);
// Reductions (float_reduce.cpp).
std::unique_ptr<Kernel> make_reduce_sum(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_reduce_mean(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_reduce_max(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_sum(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_mean(const Node& n, const Graph& g, const KernelOptions& o);
// Activations (float_activations.cpp, float_softmax.cpp) and Resize.
std::unique_ptr<Kernel> make_leaky_relu(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_tanh(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_hard_sigmoid(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_hard_swish(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_lrn(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_log_softmax(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_resize(const Node& n, const Graph& g, const KernelOptions& o);
// Dynamic quantization (float_integer_ops.cpp).
std::unique_ptr<Kernel> make_dynamic_quantize_linear(const Node& n, const Graph& g,
                                                     const KernelOptions& o);
std::unique_ptr<Kernel> make_matmul_integer(const Node& n, const Graph& g, const KernelOptions& o);
std::unique_ptr<Kernel> make_conv_integer(const Node& n, const Graph& g, const KernelOptions& o);

}  // namespace aimc::floatk
