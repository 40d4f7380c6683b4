// QInput: an integer graph input entering the integer domain. The file's
// tensor keeps its declared type and layout; the kernels read int8 (uint8
// codes minus 128, the zero points shifted alike, exact) in NHWC when the
// lowering made the value NHWC.
#include <algorithm>

#include "engine/kernels/int8/int8_common.h"
#include "engine/kernels/int8/int8_kernels.h"
#include "engine/kernels/int8/layout.h"

namespace aimc::int8k {
namespace {

class QInputKernel : public Kernel {
 public:
  QInputKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {
    const auto it = g.values.find(n.outputs.at(0));
    nhwc_ = it != g.values.end() && it->second.nhwc;
  }

  void run(const RunContext&, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = *inputs[0];
    if (x.dtype() != DType::kInt8 && x.dtype() != DType::kUInt8)
      fail(graph_, node_, "expects an int8 or uint8 input, got " + dtype_name(x.dtype()));
    if (nhwc_ && x.rank() != 4) fail(graph_, node_, "expects a rank-4 NCHW input");
    Tensor signed_codes(DType::kInt8, x.shape());
    int8_t* dst = signed_codes.data<int8_t>();
    if (x.dtype() == DType::kUInt8) {
      const uint8_t* src = x.data<uint8_t>();
      for (int64_t i = 0; i < x.size(); ++i) dst[i] = static_cast<int8_t>(int{src[i]} - 128);
    } else {
      std::copy_n(x.data<int8_t>(), x.size(), dst);
    }
    outputs[0] = nhwc_ ? nchw_to_nhwc<int8_t>(signed_codes) : std::move(signed_codes);
  }

 private:
  const Node& node_;
  const Graph& graph_;
  bool nhwc_ = false;
};

}  // namespace

std::unique_ptr<Kernel> make_qinput(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<QInputKernel>(n, g);
}

}  // namespace aimc::int8k
