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
}

}  // namespace aimc
