#include "engine/passes/infer_shapes.h"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/error.h"
#include "engine/limits.h"
#include "engine/passes/infer_shapes_dynamic.h"
#include "engine/passes/infer_shapes_ops.h"
#include "engine/passes/infer_shapes_recurrent.h"

namespace aimc {
namespace {

constexpr int64_t kUnknown = -1;
constexpr int kAnyRank = std::numeric_limits<int>::max();

// What is statically known about one value.
struct Known {
  std::optional<DType> dtype;
  std::optional<Shape> shape;  // nullopt: not even the rank is known
};

using KnownMap = std::map<std::string, Known>;
using Ints = std::vector<int64_t>;

bool known_dim(int64_t d) { return d >= 0; }

// "[?,3,224,224]": unknown dims as '?' so messages do not suggest a literal -1.
std::string dims_str(const Shape& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i) out += ",";
    out += known_dim(s[i]) ? std::to_string(s[i]) : "?";
  }
  return out + "]";
}

// Product of s[begin, end): 0 if any known dim is 0, unknown if any dim is;
// saturates at INT64_MAX (a hostile shape must not overflow; the tensor
// limit check after each node then refuses it).
int64_t dim_product(const Shape& s, std::size_t begin, std::size_t end) {
  int64_t p = 1;
  bool unknown = false;
  for (std::size_t i = begin; i < end; ++i) {
    if (s[i] == 0) return 0;
    if (known_dim(s[i])) {
      if (__builtin_mul_overflow(p, s[i], &p)) p = std::numeric_limits<int64_t>::max();
    } else {
      unknown = true;
    }
  }
  return unknown ? kUnknown : p;
}

Shape unknown_dims(std::size_t rank) { return Shape(rank, kUnknown); }

int64_t ceil_div(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

// The view of one node during inference: its inputs' known facts, constant
// inputs, and refusals that name the node.
class NodeCtx {
 public:
  NodeCtx(const Graph& g, const Node& n, const KnownMap& known) : g_(g), n_(n), known_(known) {}

  const Node& node() const { return n_; }
  int64_t opset() const { return g_.opset; }

  [[noreturn]] void fail(const std::string& what) const {
    throw bad_input(g_.source, n_.label() + ": " + what);
  }

  bool has(std::size_t i) const { return i < n_.inputs.size() && !n_.inputs[i].empty(); }

  void require_inputs(std::size_t count) const {
    for (std::size_t i = 0; i < count; ++i) {
      if (!has(i)) {
        fail("expects at least " + std::to_string(count) + " inputs, input " + std::to_string(i) +
             " is missing");
      }
    }
  }

  std::string name(std::size_t i) const { return "input '" + n_.inputs.at(i) + "'"; }

  Known input(std::size_t i) const {
    if (!has(i)) return {};
    auto it = known_.find(n_.inputs[i]);
    return it == known_.end() ? Known{} : it->second;
  }
  std::optional<Shape> shape(std::size_t i) const { return input(i).shape; }
  std::optional<DType> dtype(std::size_t i) const { return input(i).dtype; }

  // Shape of input i, refusing a known rank outside [min_rank, max_rank].
  std::optional<Shape> shape_ranked(std::size_t i, int min_rank, int max_rank) const {
    auto s = shape(i);
    const int rank = s ? static_cast<int>(s->size()) : 0;
    if (s && (rank < min_rank || rank > max_rank)) {
      std::string want = max_rank == kAnyRank ? "at least " + std::to_string(min_rank)
                         : min_rank == max_rank
                             ? std::to_string(min_rank)
                             : std::to_string(min_rank) + " to " + std::to_string(max_rank);
      fail(name(i) + " must have rank " + want + ", got shape " + dims_str(*s));
    }
    return s;
  }

  // Values of a constant integer input (an initializer), or nullopt when
  // the input is computed at run time.
  std::optional<Ints> constant_ints(std::size_t i) const {
    const Tensor* t = has(i) ? g_.initializer(n_.inputs[i]) : nullptr;
    if (!t) return std::nullopt;
    if (t->rank() > 1) fail(name(i) + " must be 1-D, got shape " + dims_str(t->shape()));
    if (t->dtype() == DType::kInt64) {
      const auto v = t->values<int64_t>();
      return Ints(v.begin(), v.end());
    }
    if (t->dtype() == DType::kInt32) {
      const auto v = t->values<int32_t>();
      return Ints(v.begin(), v.end());
    }
    fail(name(i) + " must be an int64 tensor, got " + dtype_name(t->dtype()));
  }

  // A possibly negative axis mapped into [0, rank) ([0, rank] if inclusive).
  int axis(int64_t axis, std::size_t rank, bool inclusive = false) const {
    const auto r = static_cast<int64_t>(rank);
    const int64_t hi = inclusive ? r : r - 1;
    if (axis < -r || axis > hi) {
      fail("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(r));
    }
    return static_cast<int>(axis < 0 ? axis + r : axis);
  }

  // The common dtype of inputs `a` and `b` (ONNX type constraint T).
  std::optional<DType> same_dtype(std::size_t a, std::size_t b) const {
    const auto da = dtype(a), db = dtype(b);
    if (da && db && *da != *db) {
      fail(name(a) + " is " + dtype_name(*da) + " but " + name(b) + " is " + dtype_name(*db));
    }
    return da ? da : db;
  }

 private:
  const Graph& g_;
  const Node& n_;
  const KnownMap& known_;
};

using Outputs = std::vector<Known>;

// ---- elementwise -------------------------------------------------------------

// One broadcast dimension; nullopt when incompatible. An unknown dim against
// d > 1 must be d (or 1) at run time, so the result is d either way.
std::optional<int64_t> broadcast_dim(int64_t a, int64_t b) {
  if (a == b || b == 1) return a;
  if (a == 1) return b;
  if (!known_dim(a)) return b;
  if (!known_dim(b)) return a;
  return std::nullopt;
}

// Multidirectional (numpy) broadcasting.
Shape broadcast(const NodeCtx& c, const Shape& a, const Shape& b) {
  const std::size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const std::size_t from_end = rank - i;
    const int64_t da = from_end <= a.size() ? a[a.size() - from_end] : 1;
    const int64_t db = from_end <= b.size() ? b[b.size() - from_end] : 1;
    const auto d = broadcast_dim(da, db);
    if (!d) c.fail("cannot broadcast shapes " + dims_str(a) + " and " + dims_str(b));
    out[i] = *d;
  }
  return out;
}

Outputs infer_binary(const NodeCtx& c) {
  c.require_inputs(2);
  const auto dtype = c.same_dtype(0, 1);
  const auto a = c.shape(0), b = c.shape(1);
  if (!a || !b) return {{dtype, std::nullopt}};
  return {{dtype, broadcast(c, *a, *b)}};
}

Outputs infer_unary(const NodeCtx& c) {
  c.require_inputs(1);
  return {c.input(0)};
}

Outputs infer_softmax(const NodeCtx& c) {
  c.require_inputs(1);
  const Known x = c.input(0);
  if (x.shape) c.axis(c.node().attr_int("axis", c.opset() >= 13 ? -1 : 1), x.shape->size());
  return {x};
}

Outputs infer_batchnorm(const NodeCtx& c) {
  c.require_inputs(5);
  const Known x = c.input(0);
  const auto xs = c.shape_ranked(0, 2, kAnyRank);
  int64_t channels = xs ? (*xs)[1] : kUnknown;
  for (std::size_t i = 1; i < 5; ++i) {
    const auto p = c.shape(i);
    if (!p) continue;
    if (p->size() != 1) c.fail(c.name(i) + " must be 1-D, got shape " + dims_str(*p));
    if (known_dim(channels) && known_dim((*p)[0]) && (*p)[0] != channels) {
      c.fail(c.name(i) + " has " + std::to_string((*p)[0]) + " values but the input has " +
             std::to_string(channels) + " channels");
    }
    if (!known_dim(channels)) channels = (*p)[0];
  }
  // Training mode also returns the running mean and variance.
  const Known stats{x.dtype, Shape{channels}};
  return {x, stats, stats};
}

// ---- Conv and pooling ----------------------------------------------------------

struct WindowSpec {
  Ints kernel;  // -1 where the weight's extent is unknown
  Ints strides, dilations, pads;
  std::string auto_pad;
  bool ceil_mode = false;
};

WindowSpec window_spec(const NodeCtx& c, Ints kernel) {
  const Node& n = c.node();
  const std::size_t sp = kernel.size();
  WindowSpec w;
  w.kernel = std::move(kernel);
  w.strides = n.attr_ints("strides", Ints(sp, 1));
  w.dilations = n.attr_ints("dilations", Ints(sp, 1));
  w.pads = n.attr_ints("pads", Ints(2 * sp, 0));
  w.auto_pad = n.attr_string("auto_pad", "NOTSET");
  w.ceil_mode = n.attr_int("ceil_mode", 0) != 0;
  if (w.strides.size() != sp || w.dilations.size() != sp || w.pads.size() != 2 * sp) {
    c.fail("strides/dilations/pads do not match " + std::to_string(sp) + " spatial dims");
  }
  const auto positive = [](const Ints& v) {
    return std::all_of(v.begin(), v.end(), [](int64_t x) { return x >= 1; });
  };
  if (!positive(w.strides) || !positive(w.dilations)) {
    c.fail("strides and dilations must be positive");
  }
  if (std::any_of(w.pads.begin(), w.pads.end(), [](int64_t p) { return p < 0; })) {
    c.fail("pads must be non-negative");
  }
  if (w.auto_pad != "NOTSET" && w.auto_pad != "VALID" && w.auto_pad != "SAME_UPPER" &&
      w.auto_pad != "SAME_LOWER") {
    c.fail("unknown auto_pad '" + w.auto_pad + "'");
  }
  return w;
}

// Output extent of spatial dim i, as the float kernels compute it (a ceil-mode
// window starting inside the end padding is dropped, as onnxruntime does).
int64_t window_dim(const NodeCtx& c, const WindowSpec& w, std::size_t i, int64_t in) {
  const int64_t k = w.kernel[i], s = w.strides[i], d = w.dilations[i];
  if (in == 0) c.fail("spatial dim " + std::to_string(i) + " of the input is empty");
  const bool same = w.auto_pad == "SAME_UPPER" || w.auto_pad == "SAME_LOWER";
  if (same) return known_dim(in) ? ceil_div(in, s) : kUnknown;
  if (!known_dim(in) || !known_dim(k)) return kUnknown;
  const bool valid = w.auto_pad == "VALID";
  const int64_t pb = valid ? 0 : w.pads[i], pe = valid ? 0 : w.pads[w.kernel.size() + i];
  const int64_t extent = (k - 1) * d + 1, padded = in + pb + pe;
  if (extent > padded) {
    c.fail("window extent " + std::to_string(extent) + " is larger than the padded input (" +
           std::to_string(padded) + ") in spatial dim " + std::to_string(i));
  }
  int64_t out = (w.ceil_mode ? ceil_div(padded - extent, s) : (padded - extent) / s) + 1;
  if (w.ceil_mode && (out - 1) * s >= in + pb) --out;
  return out;
}

// [N, channels, spatial...] for input x ([N, C, spatial...]).
Shape window_output(const NodeCtx& c, const Shape& x, int64_t channels, const WindowSpec& w) {
  Shape out{x[0], channels};
  for (std::size_t i = 0; i < w.kernel.size(); ++i) out.push_back(window_dim(c, w, i, x[2 + i]));
  return out;
}

void check_conv_channels(const NodeCtx& c, const Shape& x, const Shape& w, int64_t group) {
  const int64_t in_c = x[1], per_group = w[1], m = w[0];
  if (known_dim(in_c) && known_dim(per_group) && per_group * group != in_c) {
    c.fail("weight " + dims_str(w) + " expects " + std::to_string(per_group) + " x group " +
           std::to_string(group) + " = " + std::to_string(per_group * group) +
           " input channels but the input " + dims_str(x) + " has " + std::to_string(in_c));
  }
  if (known_dim(in_c) && in_c % group != 0) {
    c.fail("input channels " + std::to_string(in_c) + " are not divisible by group " +
           std::to_string(group));
  }
  if (known_dim(m) && m % group != 0) {
    c.fail("output channels " + std::to_string(m) + " are not divisible by group " +
           std::to_string(group));
  }
}

// Kernel extents from kernel_shape or else the weight's spatial dims.
Ints conv_kernel(const NodeCtx& c, const std::optional<Shape>& w, std::size_t spatial) {
  Ints from_weight = w ? Ints(w->begin() + 2, w->end()) : unknown_dims(spatial);
  if (!c.node().has_attr("kernel_shape")) return from_weight;
  const Ints ks = c.node().attr_ints("kernel_shape");
  if (ks.size() != spatial) c.fail("kernel_shape " + dims_str(ks) + " does not match the input");
  for (std::size_t i = 0; i < spatial; ++i) {
    if (ks[i] < 1) c.fail("kernel_shape must be positive");
    if (known_dim(from_weight[i]) && from_weight[i] != ks[i]) {
      c.fail("kernel_shape " + dims_str(ks) + " disagrees with the weight " + dims_str(*w));
    }
  }
  return ks;
}

Outputs infer_conv(const NodeCtx& c) {
  c.require_inputs(2);
  const auto dtype = c.same_dtype(0, 1);
  const auto x = c.shape_ranked(0, 3, 5), w = c.shape_ranked(1, 3, 5);
  if (x && w && x->size() != w->size()) {
    c.fail("input " + dims_str(*x) + " and weight " + dims_str(*w) + " differ in rank");
  }
  const int64_t group = c.node().attr_int("group", 1);
  if (group < 1) c.fail("group must be positive");
  if (x && w) check_conv_channels(c, *x, *w, group);
  const int64_t m = w ? (*w)[0] : kUnknown;
  if (const auto b = c.shape(2)) {
    if (b->size() != 1 || (known_dim(m) && known_dim((*b)[0]) && (*b)[0] != m)) {
      c.fail("bias " + dims_str(*b) + " does not match " + std::to_string(m) + " output channels");
    }
  }
  if (!x) {
    if (!w) return {{dtype, std::nullopt}};
    Shape out = unknown_dims(w->size());
    out[1] = m;
    return {{dtype, out}};
  }
  const WindowSpec spec = window_spec(c, conv_kernel(c, w, x->size() - 2));
  return {{dtype, window_output(c, *x, m, spec)}};
}

Outputs infer_pool(const NodeCtx& c) {
  c.require_inputs(1);
  const auto dtype = c.dtype(0);
  const auto x = c.shape_ranked(0, 3, 5);
  if (!c.node().has_attr("kernel_shape")) c.fail("kernel_shape is required");
  const Ints ks = c.node().attr_ints("kernel_shape");
  if (std::any_of(ks.begin(), ks.end(), [](int64_t k) { return k < 1; })) {
    c.fail("kernel_shape must be positive");
  }
  if (x && x->size() != ks.size() + 2) {
    c.fail("kernel_shape " + dims_str(ks) + " does not match the input " + dims_str(*x));
  }
  const WindowSpec spec = window_spec(c, ks);
  const Shape out = x ? window_output(c, *x, (*x)[1], spec) : unknown_dims(ks.size() + 2);
  // MaxPool's optional second output holds int64 indices of the same shape.
  return {{dtype, out}, {DType::kInt64, out}};
}

Outputs infer_global_pool(const NodeCtx& c) {
  c.require_inputs(1);
  const auto x = c.shape_ranked(0, 3, kAnyRank);
  if (!x) return {{c.dtype(0), std::nullopt}};
  Shape out(x->size(), 1);
  out[0] = (*x)[0];
  out[1] = (*x)[1];
  return {{c.dtype(0), out}};
}

// ---- Gemm and MatMul -----------------------------------------------------------

// C of Gemm must broadcast one-way to [M, N]; a known C dim > 1 also fixes
// an unknown output dim.
void apply_gemm_bias(const NodeCtx& c, const Shape& bias, Shape& out) {
  if (bias.size() > 2) c.fail("C " + dims_str(bias) + " must have rank <= 2");
  for (std::size_t k = 0; k < bias.size(); ++k) {
    const int64_t cd = bias[bias.size() - 1 - k];
    int64_t& od = out[out.size() - 1 - k];
    if (cd == 1 || !known_dim(cd)) continue;
    if (known_dim(od) && od != cd) {
      c.fail("C " + dims_str(bias) + " does not broadcast to the output " + dims_str(out));
    }
    od = cd;
  }
}

Outputs infer_gemm(const NodeCtx& c) {
  c.require_inputs(2);
  const auto dtype = c.same_dtype(0, 1);
  const auto a = c.shape_ranked(0, 2, 2), b = c.shape_ranked(1, 2, 2);
  const bool ta = c.node().attr_int("transA", 0) != 0, tb = c.node().attr_int("transB", 0) != 0;
  const int64_t m = a ? (*a)[ta ? 1 : 0] : kUnknown, ka = a ? (*a)[ta ? 0 : 1] : kUnknown;
  const int64_t kb = b ? (*b)[tb ? 1 : 0] : kUnknown, n = b ? (*b)[tb ? 0 : 1] : kUnknown;
  if (known_dim(ka) && known_dim(kb) && ka != kb) {
    c.fail("inner dimensions differ: A " + dims_str(*a) + (ta ? " (transposed)" : "") +
           " has K = " + std::to_string(ka) + " but B " + dims_str(*b) +
           (tb ? " (transposed)" : "") + " has K = " + std::to_string(kb));
  }
  Shape out{m, n};
  if (const auto bias = c.shape(2)) apply_gemm_bias(c, *bias, out);
  return {{dtype, out}};
}

Outputs infer_matmul(const NodeCtx& c) {
  c.require_inputs(2);
  const auto dtype = c.same_dtype(0, 1);
  const auto a = c.shape_ranked(0, 1, kAnyRank), b = c.shape_ranked(1, 1, kAnyRank);
  if (!a || !b) return {{dtype, std::nullopt}};
  // 1-D operands are promoted to matrices and the added dim removed again.
  Shape sa = *a, sb = *b;
  if (a->size() == 1) sa.insert(sa.begin(), 1);
  if (b->size() == 1) sb.push_back(1);
  const int64_t ka = sa.back(), kb = sb[sb.size() - 2];
  if (known_dim(ka) && known_dim(kb) && ka != kb) {
    c.fail("inner dimensions differ: " + dims_str(*a) + " x " + dims_str(*b));
  }
  Shape out = broadcast(c, Shape(sa.begin(), sa.end() - 2), Shape(sb.begin(), sb.end() - 2));
  if (a->size() > 1) out.push_back(sa[sa.size() - 2]);
  if (b->size() > 1) out.push_back(sb.back());
  return {{dtype, out}};
}

// ---- shape manipulation ----------------------------------------------------------

Outputs infer_flatten(const NodeCtx& c) {
  c.require_inputs(1);
  const auto x = c.shape(0);
  if (!x) return {{c.dtype(0), unknown_dims(2)}};  // always 2-D
  const auto a = static_cast<std::size_t>(c.axis(c.node().attr_int("axis", 1), x->size(), true));
  return {{c.dtype(0), Shape{dim_product(*x, 0, a), dim_product(*x, a, x->size())}}};
}

// The -1 of a Reshape target, or refusal of a known element-count mismatch.
// Dims copied through a 0 cancel out of both sides, so [?,1280,1,1] with
// [0,-1] still resolves to [?,1280].
void resolve_reshape(const NodeCtx& c, const Shape& in, const Ints& target, Shape& out,
                     const std::vector<bool>& copied) {
  Shape in_rest, out_rest;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (i >= copied.size() || !copied[i]) in_rest.push_back(in[i]);
  }
  std::optional<std::size_t> infer_at;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (target[i] == -1) {
      infer_at = i;
    } else if (!copied[i]) {
      out_rest.push_back(out[i]);
    }
  }
  const int64_t have = dim_product(in_rest, 0, in_rest.size());
  const int64_t need = dim_product(out_rest, 0, out_rest.size());
  if (!known_dim(have) || !known_dim(need)) return;
  if (!infer_at) {
    if (have != need) {
      c.fail("cannot reshape " + dims_str(in) + " to " + shape_str(target) +
             ": element counts differ");
    }
    return;
  }
  if (need == 0 || have % need != 0) {
    if (need == 0 && have == 0) return;  // -1 is ambiguous; leave unknown
    c.fail("cannot reshape " + dims_str(in) + " to " + shape_str(target) +
           ": element count is not divisible");
  }
  out[*infer_at] = have / need;
}

Outputs infer_reshape(const NodeCtx& c) {
  c.require_inputs(1);
  const auto dtype = c.dtype(0);
  std::optional<Ints> target;
  if (c.has(1)) {
    target = c.constant_ints(1);
  } else if (c.node().has_attr("shape")) {
    target = c.node().attr_ints("shape");  // opset < 5
  } else {
    c.fail("needs a shape input");
  }
  if (!target) {
    // Computed at run time: only the rank is known, from the shape's length.
    const auto s = c.shape(1);
    if (s && s->size() == 1 && known_dim((*s)[0])) {
      return {{dtype, unknown_dims(static_cast<std::size_t>((*s)[0]))}};
    }
    return {{dtype, std::nullopt}};
  }
  const bool allowzero = c.node().attr_int("allowzero", 0) != 0;
  const auto x = c.shape(0);
  Shape out(target->size());
  std::vector<bool> copied(target->size(), false);
  int minus_ones = 0;
  for (std::size_t i = 0; i < target->size(); ++i) {
    const int64_t t = (*target)[i];
    if (t < -1) c.fail("shape " + shape_str(*target) + " has a negative dim other than -1");
    if (t == -1) ++minus_ones;
    if (t == 0 && !allowzero) {
      if (x && i >= x->size())
        c.fail("shape copies dim " + std::to_string(i) + " (0) of a rank " +
               std::to_string(x->size()) + " input");
      copied[i] = true;
      out[i] = x ? (*x)[i] : kUnknown;
    } else {
      out[i] = t;
    }
  }
  if (minus_ones > 1) c.fail("shape " + shape_str(*target) + " has more than one -1");
  if (allowzero && minus_ones && std::find(target->begin(), target->end(), 0) != target->end()) {
    c.fail("shape " + shape_str(*target) + " has both 0 and -1 with allowzero");
  }
  if (x) resolve_reshape(c, *x, *target, out, copied);
  return {{dtype, out}};
}

Outputs infer_transpose(const NodeCtx& c) {
  c.require_inputs(1);
  const auto dtype = c.dtype(0);
  Ints perm = c.node().attr_ints("perm");
  const auto x = c.shape(0);
  if (!x) return {{dtype, perm.empty() ? std::nullopt : std::optional(unknown_dims(perm.size()))}};
  const std::size_t rank = x->size();
  if (perm.empty()) {
    for (std::size_t i = rank; i > 0; --i) perm.push_back(static_cast<int64_t>(i - 1));
  }
  std::vector<bool> seen(rank, false);
  if (perm.size() != rank)
    c.fail("perm " + dims_str(perm) + " does not match rank " + std::to_string(rank));
  Shape out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const int64_t p = perm[i];
    if (p < 0 || p >= static_cast<int64_t>(rank) || seen[static_cast<std::size_t>(p)]) {
      c.fail("perm " + dims_str(perm) + " is not a permutation of 0.." + std::to_string(rank - 1));
    }
    seen[static_cast<std::size_t>(p)] = true;
    out[i] = (*x)[static_cast<std::size_t>(p)];
  }
  return {{dtype, out}};
}

Outputs infer_concat(const NodeCtx& c) {
  c.require_inputs(1);
  if (!c.node().has_attr("axis")) c.fail("axis is required");
  std::optional<DType> dtype;
  std::optional<std::size_t> first;  // first input of known rank
  for (std::size_t i = 0; i < c.node().inputs.size(); ++i) {
    if (i > 0) dtype = c.same_dtype(0, i);
    if (!first && c.shape(i)) first = i;
  }
  if (!dtype) dtype = c.dtype(0);
  if (!first) return {{dtype, std::nullopt}};
  Shape out = *c.shape(*first);
  const auto axis = static_cast<std::size_t>(c.axis(c.node().attr_int("axis", 0), out.size()));
  int64_t total = 0;
  for (std::size_t i = 0; i < c.node().inputs.size(); ++i) {
    const auto s = c.shape(i);
    if (!s) {
      total = kUnknown;
      continue;
    }
    if (s->size() != out.size()) {
      c.fail(c.name(i) + " " + dims_str(*s) + " differs in rank from " + c.name(*first) + " " +
             dims_str(out));
    }
    for (std::size_t d = 0; d < out.size(); ++d) {
      if (d == axis) continue;
      if (known_dim((*s)[d]) && known_dim(out[d]) && (*s)[d] != out[d]) {
        c.fail(c.name(i) + " " + dims_str(*s) + " differs from " + dims_str(out) + " in dim " +
               std::to_string(d) + " (only the concat axis " + std::to_string(axis) +
               " may differ)");
      }
      if (!known_dim(out[d])) out[d] = (*s)[d];
    }
    total = known_dim(total) && known_dim((*s)[axis]) ? total + (*s)[axis] : kUnknown;
  }
  out[axis] = total;
  return {{dtype, out}};
}

// Pads as [begin..., end...] over `axes` (all axes when absent).
Outputs infer_pad(const NodeCtx& c) {
  c.require_inputs(1);
  const auto dtype = c.dtype(0);
  const auto x = c.shape(0);
  if (!x) return {{dtype, std::nullopt}};
  const std::size_t rank = x->size();
  std::optional<Ints> pads;
  if (c.node().has_attr("pads")) {
    pads = c.node().attr_ints("pads");  // opset < 11
  } else if (c.has(1)) {
    pads = c.constant_ints(1);
  } else {
    c.fail("needs pads");
  }
  std::optional<Ints> axes = Ints{};
  if (c.has(3)) axes = c.constant_ints(3);
  if (!pads || !axes) return {{dtype, unknown_dims(rank)}};
  if (axes->empty()) {
    for (std::size_t d = 0; d < rank; ++d) axes->push_back(static_cast<int64_t>(d));
  }
  if (pads->size() != 2 * axes->size()) {
    c.fail("expected " + std::to_string(2 * axes->size()) + " pads, got " +
           std::to_string(pads->size()));
  }
  Shape out = *x;
  for (std::size_t i = 0; i < axes->size(); ++i) {
    const auto d = static_cast<std::size_t>(c.axis((*axes)[i], rank));
    if (!known_dim(out[d])) continue;
    out[d] += (*pads)[i] + (*pads)[axes->size() + i];
    if (out[d] < 0) c.fail("pads remove more than the input " + dims_str(*x));
  }
  return {{dtype, out}};
}

// ---- quantization ----------------------------------------------------------------

// A per-axis scale must have one value per channel of `axis`, and the zero
// point must match the scale's shape.
void check_quant_params(const NodeCtx& c, const std::optional<Shape>& x) {
  const auto scale = c.shape(1);
  if (!scale) return;
  if (const auto zp = c.shape(2); zp && zp->size() == scale->size()) {
    for (std::size_t i = 0; i < zp->size(); ++i) {
      if (known_dim((*zp)[i]) && known_dim((*scale)[i]) && (*zp)[i] != (*scale)[i]) {
        c.fail("zero point " + dims_str(*zp) + " does not match scale " + dims_str(*scale));
      }
    }
  }
  if (!x || scale->size() != 1 || (*scale)[0] <= 1) return;
  const auto axis = static_cast<std::size_t>(c.axis(c.node().attr_int("axis", 1), x->size()));
  if (known_dim((*x)[axis]) && (*x)[axis] != (*scale)[0]) {
    c.fail("scale has " + std::to_string((*scale)[0]) + " values but axis " + std::to_string(axis) +
           " of the input " + dims_str(*x) + " has " + std::to_string((*x)[axis]));
  }
}

Outputs infer_quantize(const NodeCtx& c) {
  c.require_inputs(2);
  const auto x = c.shape(0);
  check_quant_params(c, x);
  // The zero point decides the output type; without one it is uint8 (or output_dtype).
  std::optional<DType> dtype = DType::kUInt8;
  if (c.has(2)) {
    dtype = c.dtype(2);
  } else if (const int64_t t = c.node().attr_int("output_dtype", 0); t != 0) {
    dtype = quantized_dtype(t);
  }
  return {{dtype, x}};
}

Outputs infer_dequantize(const NodeCtx& c) {
  c.require_inputs(2);
  const auto x = c.shape(0);
  if (c.dtype(0) == DType::kFloat32) c.fail(c.name(0) + " must be an integer tensor, got float32");
  check_quant_params(c, x);
  return {{DType::kFloat32, x}};
}

// ---- driver ----------------------------------------------------------------------

// LSTM, GRU and RNN (engine/passes/infer_shapes_recurrent.h).
Outputs infer_recurrent(const NodeCtx& c) {
  std::vector<std::optional<Shape>> in;
  for (std::size_t i = 0; i < c.node().inputs.size(); ++i) in.push_back(c.shape(i));
  Outputs out;
  for (Shape& s : infer_recurrent_shapes(c.node(), in, [&](const std::string& w) { c.fail(w); })) {
    out.push_back({c.dtype(0), std::move(s)});
  }
  return out;
}

// ONNX Runtime's DynamicQuantizeLSTM (engine/passes/infer_shapes_recurrent.h).
Outputs infer_dynamic_lstm(const NodeCtx& c) {
  std::vector<std::optional<Shape>> in;
  for (std::size_t i = 0; i < c.node().inputs.size(); ++i) in.push_back(c.shape(i));
  Outputs out;
  for (Shape& s : infer_dynamic_lstm_shapes(c.node(), in, [&](const std::string& w) { c.fail(w); }))
    out.push_back({DType::kFloat32, std::move(s)});
  return out;
}

// Shape, Gather, reductions, Resize, ... (engine/passes/infer_shapes_ops.h).
Outputs infer_op(const NodeCtx& c) {
  OpShapeView view{c.node(),
                   c.opset(),
                   {},
                   [&](std::size_t i) { return c.constant_ints(i); },
                   [&](const std::string& w) { c.fail(w); }};
  for (std::size_t i = 0; i < c.node().inputs.size(); ++i) {
    view.inputs.push_back({c.dtype(i), c.shape(i)});
  }
  Outputs out;
  for (ShapeFact& f : infer_op_shapes(view)) out.push_back({f.dtype, std::move(f.shape)});
  return out;
}

// DynamicQuantizeLinear, MatMulInteger, ConvInteger (engine/passes/infer_shapes_dynamic.h).
Outputs infer_dynamic(const NodeCtx& c) {
  OpShapeView view{c.node(),
                   c.opset(),
                   {},
                   [&](std::size_t i) { return c.constant_ints(i); },
                   [&](const std::string& w) { c.fail(w); }};
  for (std::size_t i = 0; i < c.node().inputs.size(); ++i) {
    view.inputs.push_back({c.dtype(i), c.shape(i)});
  }
  Outputs out;
  for (ShapeFact& f : infer_dynamic_shapes(view)) out.push_back({f.dtype, std::move(f.shape)});
  return out;
}

using Rule = Outputs (*)(const NodeCtx&);

const std::map<std::string, Rule>& rules() {
  static const std::map<std::string, Rule> kRules = {
      {"Add", infer_binary},
      {"com.microsoft.DynamicQuantizeLSTM", infer_dynamic_lstm},
      {"AveragePool", infer_pool},
      {"BatchNormalization", infer_batchnorm},
      {"Cast", infer_op},
      {"Clip", infer_unary},
      {"Concat", infer_concat},
      {"ConstantOfShape", infer_op},
      {"Conv", infer_conv},
      {"ConvInteger", infer_dynamic},
      {"DequantizeLinear", infer_dequantize},
      {"Div", infer_binary},
      {"Dropout", infer_op},
      {"DynamicQuantizeLinear", infer_dynamic},
      {"Expand", infer_op},
      {"Flatten", infer_flatten},
      {"GRU", infer_recurrent},
      {"Gather", infer_op},
      {"Gemm", infer_gemm},
      {"GlobalAveragePool", infer_global_pool},
      {"HardSigmoid", infer_unary},
      {"HardSwish", infer_unary},
      {"Identity", infer_unary},
      {"LRN", infer_unary},
      {"LSTM", infer_recurrent},
      {"LeakyRelu", infer_unary},
      {"LogSoftmax", infer_softmax},
      {"MatMul", infer_matmul},
      {"MatMulInteger", infer_dynamic},
      {"MaxPool", infer_pool},
      {"Mean", infer_op},
      {"Mul", infer_binary},
      {"Pad", infer_pad},
      {"QuantizeLinear", infer_quantize},
      {"RNN", infer_recurrent},
      {"ReduceMax", infer_op},
      {"ReduceMean", infer_op},
      {"ReduceSum", infer_op},
      {"Relu", infer_unary},
      {"Reshape", infer_reshape},
      {"Resize", infer_op},
      {"Shape", infer_op},
      {"Sigmoid", infer_unary},
      {"Slice", infer_op},
      {"Softmax", infer_softmax},
      {"Split", infer_op},
      {"Squeeze", infer_op},
      {"Sub", infer_binary},
      {"Sum", infer_op},
      {"Tanh", infer_unary},
      {"Transpose", infer_transpose},
      {"Unsqueeze", infer_op},
      {"Upsample", infer_op},
  };
  return kRules;
}

// A declared ValueInfo as a Known; an empty declared shape means "none given".
Known declared(const ValueInfo& v) {
  return {v.dtype, v.shape.empty() ? std::nullopt : std::optional<Shape>(v.shape)};
}

// Combines the inferred facts with a declaration, refusing contradictions and
// keeping the more specific dim of each pair.
Known merge_declared(const NodeCtx& c, const std::string& value, Known inferred,
                     const Known& decl) {
  const std::string what = "output '" + value + "'";
  if (decl.dtype && inferred.dtype && *decl.dtype != *inferred.dtype) {
    c.fail(what + " is declared " + dtype_name(*decl.dtype) + " but computes " +
           dtype_name(*inferred.dtype));
  }
  if (!inferred.dtype) inferred.dtype = decl.dtype;
  if (!decl.shape) return inferred;
  if (!inferred.shape) {
    inferred.shape = decl.shape;
    return inferred;
  }
  Shape& s = *inferred.shape;
  const Shape& d = *decl.shape;
  bool conflict = s.size() != d.size();
  for (std::size_t i = 0; !conflict && i < s.size(); ++i) {
    conflict = known_dim(s[i]) && known_dim(d[i]) && s[i] != d[i];
  }
  if (conflict) {
    c.fail(what + " is declared with shape " + dims_str(d) + " but computes " + dims_str(s));
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!known_dim(s[i])) s[i] = d[i];
  }
  return inferred;
}

KnownMap seed(const Graph& g) {
  KnownMap known;
  for (const auto& name : g.inputs) {
    auto it = g.values.find(name);
    if (it != g.values.end()) known[name] = declared(it->second);
  }
  for (const auto& [name, t] : g.initializers) known[name] = {t.dtype(), t.shape()};
  return known;
}

// Writes what is known to graph.values, keeping quantization and layout.
void publish(Graph& g, const std::string& value, const Known& k) {
  if (!k.dtype || !k.shape) return;
  ValueInfo& v = g.values[value];
  v.dtype = *k.dtype;
  v.shape = *k.shape;
}

}  // namespace

std::optional<DType> quantized_dtype(int64_t onnx_type) {
  switch (onnx_type) {
    case 2:
      return DType::kUInt8;
    case 3:
      return DType::kInt8;
    case 6:
      return DType::kInt32;
    default:
      return std::nullopt;
  }
}

void infer_shapes(Graph& graph) {
  KnownMap known = seed(graph);
  for (const Node& node : graph.nodes) {
    const NodeCtx ctx(graph, node, known);
    const auto rule = rules().find(node.op_type);
    const Outputs outs = rule == rules().end() ? Outputs{} : rule->second(ctx);
    for (std::size_t k = 0; k < node.outputs.size(); ++k) {
      const std::string& name = node.outputs[k];
      if (name.empty()) continue;
      Known inferred = k < outs.size() ? outs[k] : Known{};
      if (auto it = graph.values.find(name); it != graph.values.end()) {
        inferred = merge_declared(ctx, name, std::move(inferred), declared(it->second));
      }
      if (inferred.shape && !bounded_elements(*inferred.shape)) {
        ctx.fail("output '" + name + "' would have shape " + dims_str(*inferred.shape) +
                 ", more than " + std::to_string(kMaxTensorElements) +
                 " elements (the tensor limit)");
      }
      known[name] = inferred;
      publish(graph, name, inferred);
    }
  }
}

}  // namespace aimc
