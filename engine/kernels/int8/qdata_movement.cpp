// Integer ops that move data without arithmetic (Pad, Concat, Reshape,
// Flatten) plus requantization when their input and output parameters differ.
#include <algorithm>

#include "engine/kernels/int8/int8_common.h"
#include "engine/kernels/int8/int8_kernels.h"
#include "engine/kernels/int8/layout.h"
#include "quant/quantize_ref.h"

namespace aimc::int8k {
namespace {

void requantize(Tensor& t, const QuantParams& from, const QuantParams& to) {
  if (from.scale0() == to.scale0() && from.zero_point0() == to.zero_point0()) return;
  int8_t* p = t.data<int8_t>();
  for (int64_t i = 0; i < t.size(); ++i) {
    p[i] = quant::requantize_float(p[i], from.scale0(), from.zero_point0(), to.scale0(),
                                   to.zero_point0());
  }
}

void clamp_range(Tensor& t, quant::ActivationRange r) {
  if (r.min == -128 && r.max == 127) return;
  int8_t* p = t.data<int8_t>();
  for (int64_t i = 0; i < t.size(); ++i)
    p[i] = static_cast<int8_t>(std::clamp<int32_t>(p[i], r.min, r.max));
}

int64_t normalize_axis(const Graph& g, const Node& n, int64_t axis, int rank) {
  if (axis < -rank || axis >= rank) fail(g, n, "axis " + std::to_string(axis) + " out of range");
  return axis < 0 ? axis + rank : axis;
}

class QReshapeKernel : public Kernel {
 public:
  QReshapeKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {
    in_ = quant_of(g, n, n.inputs.at(0));
    out_ = quant_of(g, n, n.outputs.at(0));
    if (n.op_type == "QReshape") {
      const Tensor* s = n.inputs.size() > 1 ? g.initializer(n.inputs[1]) : nullptr;
      if (!s || s->dtype() != DType::kInt64) fail(g, n, "shape must be a constant int64 tensor");
      target_.assign(s->data<int64_t>(), s->data<int64_t>() + s->size());
    }
  }
  void run(const RunContext&, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    Tensor t = inputs[0]->rank() == 4 ? nhwc_to_nchw<int8_t>(*inputs[0]) : *inputs[0];
    Shape shape = node_.op_type == "QFlatten" ? flatten_shape(t.shape()) : reshape_shape(t.shape());
    if (element_count(shape) != t.size())
      fail(graph_, node_, "cannot reshape " + shape_str(t.shape()) + " to " + shape_str(shape));
    t.reshape(shape);
    if (t.rank() == 4) t = nchw_to_nhwc<int8_t>(t);
    requantize(t, in_, out_);
    clamp_range(t, activation_range(node_));
    outputs[0] = std::move(t);
  }

 private:
  Shape flatten_shape(const Shape& in) const {
    const int64_t axis =
        normalize_axis(graph_, node_, node_.attr_int("axis", 1), static_cast<int>(in.size()) + 1);
    int64_t outer = 1, inner = 1;
    for (std::size_t i = 0; i < in.size(); ++i)
      (static_cast<int64_t>(i) < axis ? outer : inner) *= in[i];
    return {outer, inner};
  }
  Shape reshape_shape(const Shape& in) const {
    Shape out = target_;
    int infer = -1;
    int64_t known = 1;
    const bool allow_zero = node_.attr_int("allowzero", 0) != 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i] == 0 && !allow_zero) {
        if (i >= in.size()) fail(graph_, node_, "shape copies a dimension the input lacks");
        out[i] = in[i];
      }
      if (out[i] == -1) {
        if (infer >= 0) fail(graph_, node_, "shape has more than one -1");
        infer = static_cast<int>(i);
      } else {
        known *= out[i];
      }
    }
    if (infer >= 0) out[infer] = known == 0 ? 0 : element_count(in) / known;
    return out;
  }
  const Node& node_;
  const Graph& graph_;
  QuantParams in_, out_;
  Shape target_;
};

class QConcatKernel : public Kernel {
 public:
  QConcatKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {
    for (const auto& in : n.inputs) ins_.push_back(quant_of(g, n, in));
    out_ = quant_of(g, n, n.outputs.at(0));
  }
  void run(const RunContext&, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const int rank = inputs[0]->rank();
    int64_t axis = normalize_axis(graph_, node_, node_.attr_int("axis", 1), rank);
    if (rank == 4) axis = nhwc_axis(static_cast<int>(axis));
    Shape shape = inputs[0]->shape();
    shape[axis] = 0;
    for (const Tensor* t : inputs) {
      for (int d = 0; d < rank; ++d) {
        if (d != axis && t->dim(d) != shape[d])
          fail(graph_, node_, "inputs disagree outside the concat axis");
      }
      shape[axis] += t->dim(axis);
    }
    Tensor out(DType::kInt8, shape);
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= shape[d];
    for (int d = static_cast<int>(axis) + 1; d < rank; ++d) inner *= shape[d];
    int64_t offset = 0;
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      Tensor part = *inputs[k];
      requantize(part, ins_[k], out_);
      const int64_t chunk = part.dim(axis) * inner;
      for (int64_t o = 0; o < outer; ++o) {
        std::copy_n(part.data<int8_t>() + o * chunk, chunk,
                    out.data<int8_t>() + o * shape[axis] * inner + offset);
      }
      offset += chunk;
    }
    clamp_range(out, activation_range(node_));
    outputs[0] = std::move(out);
  }

 private:
  const Node& node_;
  const Graph& graph_;
  std::vector<QuantParams> ins_;
  QuantParams out_;
};

class QPadKernel : public Kernel {
 public:
  QPadKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {
    in_ = quant_of(g, n, n.inputs.at(0));
    out_ = quant_of(g, n, n.outputs.at(0));
    if (n.inputs.size() > 1 && !n.inputs[1].empty()) {
      const Tensor* p = g.initializer(n.inputs[1]);
      if (!p || p->dtype() != DType::kInt64) fail(g, n, "pads must be a constant int64 tensor");
      pads_.assign(p->data<int64_t>(), p->data<int64_t>() + p->size());
    } else {
      pads_ = n.attr_ints("pads");
    }
    float value = n.attr_float("value", 0.f);
    if (n.inputs.size() > 2 && !n.inputs[2].empty()) {
      const Tensor* v = g.initializer(n.inputs[2]);
      if (!v || v->dtype() != DType::kInt8 || v->size() != 1)
        fail(g, n, "constant_value must be a constant int8 scalar");
      pad_q_ = v->data<int8_t>()[0];
      return;
    }
    pad_q_ = quant::quantize_value(value, in_.scale0(), in_.zero_point0(), -128, 127);
  }
  void run(const RunContext&, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = *inputs[0];
    const int rank = x.rank();
    if (pads_.size() != static_cast<std::size_t>(2 * rank))
      fail(graph_, node_, "pads must have 2*rank entries");
    std::vector<int64_t> begin(rank), end(rank);
    for (int d = 0; d < rank; ++d) {
      const int sd = rank == 4 ? nhwc_axis(d) : d;  // ONNX pads are in NCHW axis order
      begin[sd] = pads_[d];
      end[sd] = pads_[d + rank];
      if (begin[sd] < 0 || end[sd] < 0) fail(graph_, node_, "negative pads are not supported");
    }
    Shape shape = x.shape();
    for (int d = 0; d < rank; ++d) shape[d] += begin[d] + end[d];
    Tensor out(DType::kInt8, shape);
    std::fill_n(out.data<int8_t>(), out.size(), static_cast<int8_t>(pad_q_));
    // Copy element by element through a mixed-radix counter: simple, any rank.
    std::vector<int64_t> idx(rank, 0);
    const int8_t* src = x.data<int8_t>();
    for (int64_t i = 0; i < x.size(); ++i) {
      int64_t o = 0;
      for (int d = 0; d < rank; ++d) o = o * shape[d] + idx[d] + begin[d];
      out.data<int8_t>()[o] = src[i];
      for (int d = rank - 1; d >= 0; --d) {
        if (++idx[d] < x.dim(d)) break;
        idx[d] = 0;
      }
    }
    requantize(out, in_, out_);
    clamp_range(out, activation_range(node_));
    outputs[0] = std::move(out);
  }

 private:
  const Node& node_;
  const Graph& graph_;
  QuantParams in_, out_;
  std::vector<int64_t> pads_;
  int32_t pad_q_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> make_qreshape(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<QReshapeKernel>(n, g);
}
std::unique_ptr<Kernel> make_qconcat(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<QConcatKernel>(n, g);
}
std::unique_ptr<Kernel> make_qpad(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<QPadKernel>(n, g);
}

}  // namespace aimc::int8k
