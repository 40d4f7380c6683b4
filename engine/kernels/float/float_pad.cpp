// Pad: constant, reflect, edge and wrap modes; pads (possibly negative, i.e.
// cropping) as an input (opset >= 11, with optional axes) or attribute (opset 2).
#include "engine/kernels/float/float_common.h"
#include "engine/kernels/float/float_kernels.h"

namespace aimc::floatk {
namespace {

enum class PadMode { kConstant, kReflect, kEdge, kWrap };

class PadKernel : public Kernel {
 public:
  PadKernel(const Node& n, const Graph& g) : node_(n), graph_(g) {
    const std::string mode = n.attr_string("mode", "constant");
    if (mode == "constant") {
      mode_ = PadMode::kConstant;
    } else if (mode == "reflect") {
      mode_ = PadMode::kReflect;
    } else if (mode == "edge") {
      mode_ = PadMode::kEdge;
    } else if (mode == "wrap") {
      mode_ = PadMode::kWrap;
    } else {
      fail(g, n, "unknown mode '" + mode + "'");
    }
    attr_pads_ = n.has_attr("pads");
    if (!attr_pads_ && n.inputs.size() < 2) fail(g, n, "needs pads");
  }

  void run(const RunContext& ctx, std::span<const Tensor* const> inputs,
           std::span<Tensor> outputs) const override {
    const Tensor& x = required_input(graph_, node_, inputs, 0);
    const int rank = x.rank();
    const std::vector<int64_t> pads = full_pads(inputs, rank);
    Shape out(static_cast<std::size_t>(rank));
    for (int d = 0; d < rank; ++d) {
      out[d] = x.dim(d) + pads[d] + pads[rank + d];
      if (out[d] < 0)
        fail(graph_, node_, "pads remove more than the input " + shape_str(x.shape()));
      if (out[d] > 0 && x.dim(d) == 0 && mode_ != PadMode::kConstant) {
        fail(graph_, node_, "cannot " + node_.attr_string("mode", "") + "-pad an empty dimension");
      }
    }
    outputs[0] = Tensor(x.dtype(), out);
    const Tensor* value = attr_pads_ ? nullptr : optional_input(inputs, 2);
    if (value && value->size() > 0 && value->dtype() != x.dtype()) {
      fail(graph_, node_, "constant_value must have the input's type");
    }
    visit_dtype(graph_, node_, x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      T fill{};
      if (value && value->size() > 0) {
        fill = value->data<T>()[0];
      } else if (attr_pads_) {
        fill = static_cast<T>(node_.attr_float("value", 0.0f));
      }
      copy<T>(ctx, x, pads, fill, outputs[0]);
    });
  }

 private:
  // Pads as [begin_0 .. begin_r-1, end_0 .. end_r-1] over all axes.
  std::vector<int64_t> full_pads(std::span<const Tensor* const> inputs, int rank) const {
    std::vector<int64_t> given =
        attr_pads_ ? node_.attr_ints("pads")
                   : int64_values(graph_, node_, required_input(graph_, node_, inputs, 1), "pads");
    std::vector<int> axes;
    if (const Tensor* a = attr_pads_ ? nullptr : optional_input(inputs, 3)) {
      for (int64_t v : int64_values(graph_, node_, *a, "axes")) {
        axes.push_back(normalize_axis(graph_, node_, v, rank));
      }
    } else {
      for (int d = 0; d < rank; ++d) axes.push_back(d);
    }
    if (given.size() != 2 * axes.size()) {
      fail(graph_, node_,
           "expected " + std::to_string(2 * axes.size()) + " pads, got " +
               std::to_string(given.size()));
    }
    std::vector<int64_t> pads(2 * static_cast<std::size_t>(rank), 0);
    for (std::size_t i = 0; i < axes.size(); ++i) {
      pads[axes[i]] = given[i];
      pads[rank + axes[i]] = given[axes.size() + i];
    }
    return pads;
  }

  // Source index along one axis for output index o, or -1 for the constant.
  int64_t source(int64_t o, int64_t begin, int64_t size) const {
    int64_t i = o - begin;
    if (i >= 0 && i < size) return i;
    switch (mode_) {
      case PadMode::kConstant:
        return -1;
      case PadMode::kEdge:
        return i < 0 ? 0 : size - 1;
      case PadMode::kWrap:
        return ((i % size) + size) % size;
      case PadMode::kReflect: {
        if (size == 1) return 0;
        const int64_t period = 2 * (size - 1);
        i = ((i % period) + period) % period;
        return i < size ? i : period - i;
      }
    }
    return -1;
  }

  template <typename T>
  void copy(const RunContext& ctx, const Tensor& x, const std::vector<int64_t>& pads, T fill,
            Tensor& y) const {
    const int rank = x.rank();
    const T* px = x.data<T>();
    T* py = y.data<T>();
    if (rank == 0) {
      py[0] = px[0];
      return;
    }
    const Shape& out = y.shape();
    const int64_t inner = out.back(), rows = inner ? y.size() / inner : 0;
    const int64_t last = rank - 1;
#pragma omp parallel for num_threads(threads_for(ctx, y.size())) schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
      // Offset of the source row, or -1 when the row lies in constant padding.
      int64_t src = 0, rest = r, scale = x.dim(last);
      for (int64_t d = last - 1; d >= 0 && src >= 0; --d) {
        const int64_t i = source(rest % out[d], pads[d], x.dim(d));
        rest /= out[d];
        src = i < 0 ? -1 : src + i * scale;
        scale *= x.dim(d);
      }
      T* row = py + r * inner;
      for (int64_t j = 0; j < inner; ++j) {
        const int64_t i = src < 0 ? -1 : source(j, pads[last], x.dim(last));
        row[j] = i < 0 ? fill : px[src + i];
      }
    }
  }

  const Node& node_;
  const Graph& graph_;
  PadMode mode_ = PadMode::kConstant;
  bool attr_pads_ = false;
};

}  // namespace

std::unique_ptr<Kernel> make_pad(const Node& n, const Graph& g, const KernelOptions&) {
  return std::make_unique<PadKernel>(n, g);
}

}  // namespace aimc::floatk
