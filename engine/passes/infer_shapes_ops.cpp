#include "engine/passes/infer_shapes_ops.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace aimc {

void OpShapeView::refuse(const std::string& what) const {
  fail(what);
  throw std::logic_error("OpShapeView::fail returned");  // fail always throws
}

const ShapeFact& OpShapeView::input(std::size_t i) const {
  static const ShapeFact kNone;  // immutable: an omitted input
  return has(i) && i < inputs.size() ? inputs[i] : kNone;
}

void OpShapeView::require(std::size_t count) const {
  for (std::size_t i = 0; i < count; ++i)
    if (!has(i)) refuse("input " + std::to_string(i) + " is required");
}

namespace {

constexpr int64_t kUnknown = -1;
using Ints = std::vector<int64_t>;
using Facts = std::vector<ShapeFact>;

bool known(int64_t d) { return d >= 0; }

int axis_in(const OpShapeView& v, int64_t axis, std::size_t rank) {
  const auto r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) {
    v.refuse("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(r));
  }
  return static_cast<int>(axis < 0 ? axis + r : axis);
}

// Axes into [0, rank), refusing repeats.
std::vector<bool> axis_set(const OpShapeView& v, const Ints& axes, std::size_t rank) {
  std::vector<bool> set(rank, false);
  for (int64_t a : axes) {
    const auto d = static_cast<std::size_t>(axis_in(v, a, rank));
    if (set[d]) v.refuse("axis " + std::to_string(a) + " is given twice");
    set[d] = true;
  }
  return set;
}

// Integers given as an attribute before opset `input_since`, else by input
// `index`; nullopt when computed at run time, `absent` when not given.
std::optional<Ints> ints_arg(const OpShapeView& v, std::size_t index, const std::string& attr,
                             int64_t input_since, std::optional<Ints> absent = std::nullopt) {
  if (v.opset < input_since) {
    return v.node.has_attr(attr) ? std::optional(v.node.attr_ints(attr)) : absent;
  }
  return v.has(index) ? v.constant_ints(index) : absent;
}

Shape broadcast(const OpShapeView& v, const Shape& a, const Shape& b) {
  Shape out(std::max(a.size(), b.size()));
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    const int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    int64_t d = da;
    if (da == 1 || (!known(da) && db != 1)) d = db;
    if (known(da) && known(db) && da != db && da != 1 && db != 1) {
      v.refuse("cannot broadcast shapes " + shape_str(a) + " and " + shape_str(b));
    }
    out[out.size() - 1 - i] = d;
  }
  return out;
}

Facts infer_shape(const OpShapeView& v) {
  v.require(1);
  const auto& x = v.input(0).shape;
  if (!x) return {{DType::kInt64, std::nullopt}};
  const auto rank = static_cast<int64_t>(x->size());
  auto clamp = [rank](int64_t d) { return std::clamp(d < 0 ? d + rank : d, int64_t{0}, rank); };
  const int64_t start = clamp(v.node.attr_int("start", 0)),
                end = clamp(v.node.attr_int("end", rank));
  return {{DType::kInt64, Shape{std::max<int64_t>(0, end - start)}}};
}

Facts infer_gather(const OpShapeView& v) {
  v.require(2);
  const auto& data = v.input(0);
  const auto& idx = v.input(1).shape;
  if (!data.shape || !idx) return {{data.dtype, std::nullopt}};
  if (data.shape->empty()) v.refuse("data must have rank >= 1");
  const auto axis =
      static_cast<std::size_t>(axis_in(v, v.node.attr_int("axis", 0), data.shape->size()));
  Shape out(data.shape->begin(), data.shape->begin() + static_cast<std::ptrdiff_t>(axis));
  out.insert(out.end(), idx->begin(), idx->end());
  out.insert(out.end(), data.shape->begin() + static_cast<std::ptrdiff_t>(axis) + 1,
             data.shape->end());
  return {{data.dtype, out}};
}

Facts infer_unsqueeze(const OpShapeView& v) {
  v.require(1);
  const auto& x = v.input(0);
  const auto axes = ints_arg(v, 1, "axes", 13);
  if (!axes || !x.shape) return {{x.dtype, std::nullopt}};
  const std::size_t rank = x.shape->size() + axes->size();
  const auto set = axis_set(v, *axes, rank);
  Shape out;
  auto next = x.shape->begin();
  for (std::size_t d = 0; d < rank; ++d) out.push_back(set[d] ? 1 : *next++);
  return {{x.dtype, out}};
}

Facts infer_squeeze(const OpShapeView& v) {
  v.require(1);
  const auto& x = v.input(0);
  const auto axes = ints_arg(v, 1, "axes", 13, Ints{});
  if (!axes || !x.shape) return {{x.dtype, std::nullopt}};
  const auto set = axis_set(v, *axes, x.shape->size());
  Shape out;
  for (std::size_t d = 0; d < x.shape->size(); ++d) {
    const int64_t dim = (*x.shape)[d];
    if (axes->empty() && !known(dim)) return {{x.dtype, std::nullopt}};
    if (set[d] && known(dim) && dim != 1) {
      v.refuse("cannot squeeze axis " + std::to_string(d) + " of " + shape_str(*x.shape));
    }
    if (!(set[d] || (axes->empty() && dim == 1))) out.push_back(dim);
  }
  return {{x.dtype, out}};
}

// Start and count of one sliced axis of extent `dim` (ONNX Slice clamping).
int64_t slice_count(const OpShapeView& v, int64_t dim, int64_t start, int64_t end, int64_t step) {
  if (step == 0) v.refuse("steps must not be 0");
  if (!known(dim)) return kUnknown;
  if (dim == 0) return 0;
  if (start < 0) start = std::max(start, -dim) + dim;
  if (end < 0) end = std::max(end, -dim - 1) + dim;
  if (step > 0) {
    start = std::min(start, dim);
    end = std::min(end, dim);
    return std::max<int64_t>(0, (end - start + step - 1) / step);
  }
  start = std::min(start, dim - 1);
  end = std::min(end, dim - 1);
  return std::max<int64_t>(0, (start - end - step - 1) / -step);
}

Facts infer_slice(const OpShapeView& v) {
  v.require(v.opset < 10 ? 1 : 3);
  const auto& x = v.input(0);
  if (!x.shape) return {{x.dtype, std::nullopt}};
  const bool attrs = v.opset < 10;
  const auto starts = attrs ? std::optional(v.node.attr_ints("starts")) : v.constant_ints(1);
  const auto ends = attrs ? std::optional(v.node.attr_ints("ends")) : v.constant_ints(2);
  auto axes = attrs ? std::optional(v.node.attr_ints("axes"))
                    : (v.has(3) ? v.constant_ints(3) : std::optional(Ints{}));
  const auto steps =
      attrs || !v.has(4) ? std::optional(Ints(starts ? starts->size() : 0, 1)) : v.constant_ints(4);
  Shape out(x.shape->size(), kUnknown);
  if (!starts || !ends || !axes || !steps) return {{x.dtype, out}};
  if (axes->empty()) {
    for (std::size_t i = 0; i < starts->size(); ++i) axes->push_back(static_cast<int64_t>(i));
  }
  if (ends->size() != starts->size() || axes->size() != starts->size() ||
      steps->size() != starts->size()) {
    v.refuse("starts, ends, axes and steps differ in length");
  }
  const auto set = axis_set(v, *axes, x.shape->size());
  for (std::size_t d = 0; d < out.size(); ++d) {
    if (!set[d]) out[d] = (*x.shape)[d];
  }
  for (std::size_t i = 0; i < axes->size(); ++i) {
    const auto d = static_cast<std::size_t>(axis_in(v, (*axes)[i], out.size()));
    out[d] = slice_count(v, (*x.shape)[d], (*starts)[i], (*ends)[i], (*steps)[i]);
  }
  return {{x.dtype, out}};
}

Facts infer_split(const OpShapeView& v) {
  v.require(1);
  const auto& x = v.input(0);
  const std::size_t parts = v.node.outputs.size();
  if (!x.shape || parts == 0) return {};
  const auto axis =
      static_cast<std::size_t>(axis_in(v, v.node.attr_int("axis", 0), x.shape->size()));
  const int64_t dim = (*x.shape)[axis];
  const auto sizes = ints_arg(v, 1, "split", 13, Ints{});
  Facts out(parts, {x.dtype, *x.shape});
  for (std::size_t k = 0; k < parts; ++k) {
    int64_t size = kUnknown;
    if (sizes && !sizes->empty()) {
      if (sizes->size() != parts)
        v.refuse("split has " + std::to_string(sizes->size()) + " sizes for " +
                 std::to_string(parts) + " outputs");
      size = (*sizes)[k];
    } else if (sizes && known(dim)) {
      const auto p = static_cast<int64_t>(parts);
      const bool uneven = v.node.has_attr("num_outputs");
      if (!uneven && dim % p != 0) {
        v.refuse("axis of " + std::to_string(dim) + " does not split into " +
                 std::to_string(parts) + " equal parts");
      }
      const int64_t each = uneven ? (dim + p - 1) / p : dim / p;
      size = k + 1 < parts ? each : dim - each * (p - 1);
    }
    (*out[k].shape)[axis] = size;
  }
  return out;
}

Facts infer_constant_of_shape(const OpShapeView& v) {
  v.require(1);
  const DType dtype =
      v.node.has_attr("value") ? v.node.attr_tensor("value").dtype() : DType::kFloat32;
  const auto dims = v.constant_ints(0);
  if (dims) return {{dtype, *dims}};
  const auto& s = v.input(0).shape;
  if (s && s->size() == 1 && known((*s)[0]))
    return {{dtype, Shape(static_cast<std::size_t>((*s)[0]), kUnknown)}};
  return {{dtype, std::nullopt}};
}

Facts infer_cast(const OpShapeView& v) {
  v.require(1);
  std::optional<DType> to;
  switch (v.node.attr_int("to", 0)) {
    case 1:
      to = DType::kFloat32;
      break;
    case 2:
    case 9:
      to = DType::kUInt8;
      break;
    case 3:
      to = DType::kInt8;
      break;
    case 6:
      to = DType::kInt32;
      break;
    case 7:
      to = DType::kInt64;
      break;
    default:
      v.refuse("cannot cast to ONNX element type " + std::to_string(v.node.attr_int("to", 0)) +
               " (aimc has float32, int64, int32, int8, uint8 and bool)");
  }
  return {{to, v.input(0).shape}};
}

Facts infer_expand(const OpShapeView& v) {
  v.require(2);
  const auto& x = v.input(0);
  const auto target = v.constant_ints(1);
  if (!target || !x.shape) return {{x.dtype, std::nullopt}};
  return {{x.dtype, broadcast(v, *x.shape, *target)}};
}

Facts infer_dropout(const OpShapeView& v) {
  v.require(1);
  return {v.input(0), {DType::kUInt8, v.input(0).shape}};
}

Facts infer_variadic(const OpShapeView& v) {
  v.require(1);
  std::optional<Shape> out = v.input(0).shape;
  for (std::size_t i = 1; i < v.node.inputs.size() && out; ++i) {
    const auto& s = v.input(i).shape;
    out = s ? std::optional(broadcast(v, *out, *s)) : std::nullopt;
  }
  return {{v.input(0).dtype, out}};
}

Facts infer_reduce(const OpShapeView& v) {
  v.require(1);
  const auto& x = v.input(0);
  const int64_t since = v.node.op_type == "ReduceSum" ? 13 : 18;
  const auto axes = ints_arg(v, 1, "axes", since, Ints{});
  if (!axes || !x.shape) return {{x.dtype, std::nullopt}};
  if (axes->empty() && v.node.attr_int("noop_with_empty_axes", 0) != 0) return {x};
  auto set = axis_set(v, *axes, x.shape->size());
  if (axes->empty()) std::fill(set.begin(), set.end(), true);
  const bool keepdims = v.node.attr_int("keepdims", 1) != 0;
  Shape out;
  for (std::size_t d = 0; d < set.size(); ++d) {
    if (!set[d]) {
      out.push_back((*x.shape)[d]);
    } else if (keepdims) {
      out.push_back(1);
    }
  }
  return {{x.dtype, out}};
}

// Resize and Upsample: the output dims are known from constant sizes; with
// scales (float) only the rank is.
Facts infer_resize(const OpShapeView& v) {
  v.require(1);
  const auto& x = v.input(0);
  if (!x.shape) return {{x.dtype, std::nullopt}};
  const bool legacy = v.node.op_type == "Upsample" || v.opset < 11;
  if (!legacy && v.has(3)) {
    if (const auto sizes = v.constant_ints(3); sizes && !sizes->empty()) {
      if (sizes->size() != x.shape->size()) v.refuse("sizes do not match the input's rank");
      return {{x.dtype, *sizes}};
    }
  }
  return {{x.dtype, Shape(x.shape->size(), kUnknown)}};
}

}  // namespace

std::vector<ShapeFact> infer_op_shapes(const OpShapeView& view) {
  using Rule = Facts (*)(const OpShapeView&);
  static const std::map<std::string, Rule> kRules = {
      {"Cast", infer_cast},        {"ConstantOfShape", infer_constant_of_shape},
      {"Dropout", infer_dropout},  {"Expand", infer_expand},
      {"Gather", infer_gather},    {"Mean", infer_variadic},
      {"ReduceMax", infer_reduce}, {"ReduceMean", infer_reduce},
      {"ReduceSum", infer_reduce}, {"Resize", infer_resize},
      {"Shape", infer_shape},      {"Slice", infer_slice},
      {"Split", infer_split},      {"Squeeze", infer_squeeze},
      {"Sum", infer_variadic},     {"Unsqueeze", infer_unsqueeze},
      {"Upsample", infer_resize},
  };
  const auto it = kRules.find(view.node.op_type);
  return it == kRules.end() ? Facts{} : it->second(view);
}

}  // namespace aimc
