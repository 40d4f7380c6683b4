#include "engine/kernels/float/float_common.h"

#include <algorithm>

namespace aimc::floatk {

void fail(const Graph& g, const Node& n, const std::string& what) {
  throw bad_input(g.source, n.label() + ": " + what);
}

const Tensor& required_input(const Graph& g, const Node& n, std::span<const Tensor* const> inputs,
                             std::size_t i) {
  const Tensor* t = optional_input(inputs, i);
  if (!t) fail(g, n, "input " + std::to_string(i) + " is required");
  return *t;
}

void expect_dtype(const Graph& g, const Node& n, const Tensor& t, DType want,
                  const std::string& what) {
  if (t.dtype() != want) {
    fail(g, n, what + " must be " + dtype_name(want) + ", got " + dtype_name(t.dtype()));
  }
}

int normalize_axis(const Graph& g, const Node& n, int64_t axis, int rank, bool inclusive) {
  const int64_t limit = inclusive ? rank + 1 : rank;
  const int64_t a = axis < 0 ? axis + limit - (inclusive ? 1 : 0) : axis;
  if (a < 0 || a >= limit) {
    fail(g, n,
         "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  }
  return static_cast<int>(a);
}

std::vector<int64_t> int64_values(const Graph& g, const Node& n, const Tensor& t,
                                  const std::string& what) {
  if (t.rank() > 1) fail(g, n, what + " must be a 1-D tensor");
  if (t.dtype() == DType::kInt64) {
    const auto v = t.values<int64_t>();
    return {v.begin(), v.end()};
  }
  if (t.dtype() == DType::kInt32) {
    const auto v = t.values<int32_t>();
    return {v.begin(), v.end()};
  }
  fail(g, n, what + " must be int64, got " + dtype_name(t.dtype()));
}

WindowAttrs window_attrs(const Graph& g, const Node& n) {
  WindowAttrs a;
  a.kernel_shape = n.attr_ints("kernel_shape");
  a.strides = n.attr_ints("strides");
  a.dilations = n.attr_ints("dilations");
  a.pads = n.attr_ints("pads");
  a.auto_pad = n.attr_string("auto_pad", "NOTSET");
  if (a.auto_pad != "NOTSET" && a.auto_pad != "VALID" && a.auto_pad != "SAME_UPPER" &&
      a.auto_pad != "SAME_LOWER") {
    fail(g, n, "unknown auto_pad '" + a.auto_pad + "'");
  }
  const int64_t ceil_mode = n.attr_int("ceil_mode", 0);
  if (ceil_mode != 0 && ceil_mode != 1) fail(g, n, "ceil_mode must be 0 or 1");
  a.ceil_mode = ceil_mode == 1;
  return a;
}

namespace {

int64_t div_round(int64_t num, int64_t den, bool up) {
  // num may be negative (window larger than the input): floor/ceil, not truncation.
  const int64_t q = num / den, r = num % den;
  if (r == 0) return q;
  if (num < 0) return up ? q : q - 1;
  return up ? q + 1 : q;
}

}  // namespace

Window resolve_window(const Graph& g, const Node& n, const WindowAttrs& a, const Shape& input,
                      const std::vector<int64_t>& kernel) {
  const int spatial = static_cast<int>(input.size()) - 2;
  if (spatial < 1 || spatial > 3) {
    fail(g, n,
         "input must be [N, C, spatial...] with 1 to 3 spatial dims, got " + shape_str(input));
  }
  const auto sz = static_cast<std::size_t>(spatial);
  const std::vector<int64_t> ones(sz, 1);
  const std::vector<int64_t> strides = a.strides.empty() ? ones : a.strides;
  const std::vector<int64_t> dilations = a.dilations.empty() ? ones : a.dilations;
  std::vector<int64_t> pads = a.pads.empty() ? std::vector<int64_t>(2 * sz, 0) : a.pads;
  if (kernel.size() != sz || strides.size() != sz || dilations.size() != sz ||
      pads.size() != 2 * sz) {
    fail(g, n,
         "kernel_shape/strides/dilations/pads do not match " + std::to_string(spatial) +
             " spatial dims of input " + shape_str(input));
  }
  Window w;
  const int slot0 = 3 - spatial;
  for (int i = 0; i < spatial; ++i) {
    const int s = slot0 + i;
    const int64_t in = input[2 + i], k = kernel[i], st = strides[i], d = dilations[i];
    int64_t pb = pads[i], pe = pads[sz + i];
    if (k < 1 || st < 1 || d < 1 || pb < 0 || pe < 0) {
      fail(g, n, "kernel_shape, strides and dilations must be positive and pads non-negative");
    }
    const int64_t extent = (k - 1) * d + 1;
    int64_t out = 0;
    if (a.auto_pad == "SAME_UPPER" || a.auto_pad == "SAME_LOWER") {
      out = div_round(in, st, true);
      const int64_t total = std::max<int64_t>(0, (out - 1) * st + extent - in);
      pb = a.auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pe = total - pb;
    } else {
      if (a.auto_pad == "VALID") pb = pe = 0;
      out = div_round(in + pb + pe - extent, st, a.ceil_mode) + 1;
      // A last window starting inside the end padding is dropped (as PyTorch and onnxruntime).
      if (a.ceil_mode && out > 0 && (out - 1) * st >= in + pb) --out;
    }
    if (in < 1 || out < 1) {
      fail(g, n, "window larger than the padded input " + shape_str(input));
    }
    w.in[s] = in;
    w.out[s] = out;
    w.kernel[s] = k;
    w.stride[s] = st;
    w.dilation[s] = d;
    w.pad_begin[s] = pb;
    w.pad_end[s] = pe;
  }
  return w;
}

}  // namespace aimc::floatk
