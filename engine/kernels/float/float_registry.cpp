#include "engine/kernels/float/float_kernels.h"

namespace aimc {

void add_float_kernels(std::vector<std::pair<std::string, KernelFactory>>& table) {
  using namespace floatk;
  table.emplace_back("Conv", make_conv);
  table.emplace_back("Gemm", make_gemm);
  table.emplace_back("MatMul", make_matmul);
  table.emplace_back("Add", make_add);
  table.emplace_back("Sub", make_sub);
  table.emplace_back("Mul", make_mul);
  table.emplace_back("Div", make_div);
  table.emplace_back("Relu", make_relu);
  table.emplace_back("Clip", make_clip);
  table.emplace_back("Sigmoid", make_sigmoid);
  table.emplace_back("GlobalAveragePool", make_global_average_pool);
  table.emplace_back("AveragePool", make_average_pool);
  table.emplace_back("MaxPool", make_max_pool);
  table.emplace_back("Flatten", make_flatten);
  table.emplace_back("Reshape", make_reshape);
  table.emplace_back("Transpose", make_transpose);
  table.emplace_back("Concat", make_concat);
  table.emplace_back("Pad", make_pad);
  table.emplace_back("Softmax", make_softmax);
  table.emplace_back("BatchNormalization", make_batch_normalization);
  table.emplace_back("QuantizeLinear", make_quantize_linear);
  table.emplace_back("DequantizeLinear", make_dequantize_linear);
  table.emplace_back("Shape", make_shape);
  table.emplace_back("Unsqueeze", make_unsqueeze);
  table.emplace_back("Squeeze", make_squeeze);
  table.emplace_back("Expand", make_expand);
  table.emplace_back("Identity", make_identity);
  table.emplace_back("Dropout", make_dropout);
  table.emplace_back("Constant", make_constant);
  table.emplace_back("ConstantOfShape", make_constant_of_shape);
  table.emplace_back("Cast", make_cast);
  table.emplace_back("Gather", make_gather);
  table.emplace_back("Slice", make_slice);
  table.emplace_back("Split", make_split);
  table.emplace_back("ReduceSum", make_reduce_sum);
  table.emplace_back("ReduceMean", make_reduce_mean);
  table.emplace_back("ReduceMax", make_reduce_max);
  table.emplace_back("Sum", make_sum);
  table.emplace_back("Mean", make_mean);
  table.emplace_back("LeakyRelu", make_leaky_relu);
  table.emplace_back("Tanh", make_tanh);
  table.emplace_back("HardSigmoid", make_hard_sigmoid);
  table.emplace_back("HardSwish", make_hard_swish);
  table.emplace_back("LRN", make_lrn);
  table.emplace_back("LogSoftmax", make_log_softmax);
  table.emplace_back("Resize", make_resize);
  table.emplace_back("Upsample", make_resize);
  table.emplace_back("LSTM", make_lstm);
  table.emplace_back("GRU", make_gru);
  table.emplace_back("RNN", make_rnn);
  table.emplace_back("DynamicQuantizeLinear", make_dynamic_quantize_linear);
  table.emplace_back("MatMulInteger", make_matmul_integer);
  table.emplace_back("ConvInteger", make_conv_integer);
}

}  // namespace aimc
