#include "engine/kernels/int8/int8_kernels.h"

namespace aimc {

void add_integer_kernels(std::vector<std::pair<std::string, KernelFactory>>& table) {
  using namespace int8k;
  table.emplace_back("QConv", make_qconv);
  table.emplace_back("QGemm", make_qgemm);
  table.emplace_back("QAdd", make_qadd);
  table.emplace_back("QMul", make_qmul);
  for (const char* op : {"QSigmoid", "QTanh", "QLeakyRelu", "QHardSigmoid", "QHardSwish"})
    table.emplace_back(op, make_qunary);
  table.emplace_back("QGlobalAveragePool", make_qglobal_average_pool);
  table.emplace_back("QAveragePool", make_qaverage_pool);
  table.emplace_back("QMaxPool", make_qmax_pool);
  table.emplace_back("QPad", make_qpad);
  table.emplace_back("QConcat", make_qconcat);
  table.emplace_back("QReshape", make_qreshape);
  table.emplace_back("QFlatten", make_qreshape);
  table.emplace_back("QInput", make_qinput);
  table.emplace_back("QQuantize", make_qquantize);
  table.emplace_back("QDequantize", make_qdequantize);
  table.emplace_back("QDynamicGemm", make_qdynamic_gemm);
  table.emplace_back("QDynamicConv", make_qdynamic_conv);
  table.emplace_back("QDynamicLSTM", make_qdynamic_lstm);
  // Float mode runs ONNX Runtime's op unlowered, with the same kernel: the
  // same numbers as digital mode.
  table.emplace_back("com.microsoft.DynamicQuantizeLSTM", make_qdynamic_lstm);
}

}  // namespace aimc
