#include "engine/passes/infer_shapes_dynamic.h"

#include <algorithm>

namespace aimc {
namespace {

constexpr int64_t kUnknown = -1;
using Ints = std::vector<int64_t>;
using Facts = std::vector<ShapeFact>;

bool known(int64_t d) { return d >= 0; }

void require_8bit(const OpShapeView& v, std::size_t i, const std::string& what) {
  const auto t = v.input(i).dtype;
  if (t && *t != DType::kInt8 && *t != DType::kUInt8)
    v.refuse(what + " must be int8 or uint8, got " + dtype_name(*t));
}

// A zero point has its tensor's element type.
void require_same_type(const OpShapeView& v, std::size_t x, std::size_t zp,
                       const std::string& what) {
  const auto a = v.input(x).dtype, b = v.input(zp).dtype;
  if (a && b && *a != *b)
    v.refuse(what + " is " + dtype_name(*a) + " but its zero point is " + dtype_name(*b));
}

Facts dynamic_quantize_linear(const OpShapeView& v) {
  v.require(1);
  const auto t = v.input(0).dtype;
  if (t && *t != DType::kFloat32) v.refuse("x must be float32, got " + dtype_name(*t));
  return {{DType::kUInt8, v.input(0).shape}, {DType::kFloat32, Shape{}}, {DType::kUInt8, Shape{}}};
}

Facts matmul_integer(const OpShapeView& v) {
  v.require(2);
  require_8bit(v, 0, "A");
  require_8bit(v, 1, "B");
  require_same_type(v, 0, 2, "A");
  require_same_type(v, 1, 3, "B");
  const auto a = v.input(0).shape, b = v.input(1).shape;
  if (!a || !b) return {{DType::kInt32, std::nullopt}};
  if (a->empty() || b->empty()) v.refuse("A and B must have rank >= 1");
  Shape sa = *a, sb = *b;
  if (a->size() == 1) sa.insert(sa.begin(), 1);
  if (b->size() == 1) sb.push_back(1);
  const int64_t ka = sa.back(), kb = sb[sb.size() - 2];
  if (known(ka) && known(kb) && ka != kb)
    v.refuse("inner dimensions differ: " + shape_str(*a) + " x " + shape_str(*b));
  const std::size_t ra = sa.size() - 2, rb = sb.size() - 2, rank = std::max(ra, rb);
  Shape out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const int64_t da = i < ra ? sa[ra - 1 - i] : 1, db = i < rb ? sb[rb - 1 - i] : 1;
    if (known(da) && known(db) && da != db && da != 1 && db != 1)
      v.refuse("cannot broadcast the batch dims of " + shape_str(*a) + " and " + shape_str(*b));
    out[rank - 1 - i] = da == 1 ? db : (db == 1 || !known(db) ? da : db);
  }
  if (a->size() > 1) out.push_back(sa[sa.size() - 2]);
  if (b->size() > 1) out.push_back(sb.back());
  return {{DType::kInt32, out}};
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// One output extent of ConvInteger (Conv's rule; no ceil mode).
int64_t conv_extent(const OpShapeView& v, int64_t in, int64_t k, int64_t s, int64_t d,
                    int64_t pads) {
  const std::string auto_pad = v.node.attr_string("auto_pad", "NOTSET");
  if (!known(in) || !known(k)) return kUnknown;
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") return ceil_div(in, s);
  const int64_t extent = (k - 1) * d + 1, padded = in + (auto_pad == "VALID" ? 0 : pads);
  if (extent > padded)
    v.refuse("window extent " + std::to_string(extent) + " is larger than the padded input (" +
             std::to_string(padded) + ")");
  return (padded - extent) / s + 1;
}

Facts conv_integer(const OpShapeView& v) {
  v.require(2);
  require_8bit(v, 0, "x");
  require_8bit(v, 1, "w");
  require_same_type(v, 0, 2, "x");
  require_same_type(v, 1, 3, "w");
  const auto x = v.input(0).shape, w = v.input(1).shape;
  if (!x || !w) return {{DType::kInt32, std::nullopt}};
  if (x->size() < 3 || x->size() > 5 || w->size() != x->size())
    v.refuse("x " + shape_str(*x) + " and w " + shape_str(*w) +
             " must be [N, C, spatial...] and [M, C/group, kernel...] with 1 to 3 spatial dims");
  const int64_t group = v.node.attr_int("group", 1);
  if (group < 1) v.refuse("group must be positive");
  if (known((*x)[1]) && known((*w)[1]) && (*w)[1] * group != (*x)[1])
    v.refuse("w " + shape_str(*w) + " with group " + std::to_string(group) + " does not fit x " +
             shape_str(*x));
  const std::size_t sp = x->size() - 2;
  const Ints strides = v.node.attr_ints("strides", Ints(sp, 1));
  const Ints dilations = v.node.attr_ints("dilations", Ints(sp, 1));
  const Ints pads = v.node.attr_ints("pads", Ints(2 * sp, 0));
  if (strides.size() != sp || dilations.size() != sp || pads.size() != 2 * sp)
    v.refuse("strides/dilations/pads do not match " + std::to_string(sp) + " spatial dims");
  Shape out{(*x)[0], (*w)[0]};
  for (std::size_t i = 0; i < sp; ++i) {
    if (strides[i] < 1 || dilations[i] < 1 || pads[i] < 0 || pads[sp + i] < 0)
      v.refuse("strides and dilations must be positive and pads non-negative");
    out.push_back(
        conv_extent(v, (*x)[2 + i], (*w)[2 + i], strides[i], dilations[i], pads[i] + pads[sp + i]));
  }
  return {{DType::kInt32, out}};
}

}  // namespace

std::vector<ShapeFact> infer_dynamic_shapes(const OpShapeView& view) {
  const std::string& op = view.node.op_type;
  if (op == "DynamicQuantizeLinear") return dynamic_quantize_linear(view);
  if (op == "MatMulInteger") return matmul_integer(view);
  if (op == "ConvInteger") return conv_integer(view);
  return {};
}

}  // namespace aimc
