#include "demos/python/numpy_tensors.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "engine/error.h"
#include "engine/limits.h"

namespace py = pybind11;

namespace aimc::python {
namespace {

DType dtype_of(const py::dtype& d, const std::string& name) {
  if (d.is(py::dtype::of<float>())) return DType::kFloat32;
  if (d.is(py::dtype::of<int8_t>())) return DType::kInt8;
  if (d.is(py::dtype::of<uint8_t>())) return DType::kUInt8;
  if (d.is(py::dtype::of<int32_t>())) return DType::kInt32;
  if (d.is(py::dtype::of<int64_t>())) return DType::kInt64;
  throw bad_input(name, "unsupported dtype " + py::str(py::object(d)).cast<std::string>() +
                            " (float32, int8, uint8, int32 or int64)");
}

py::dtype numpy_dtype(DType t) {
  switch (t) {
    case DType::kFloat32:
      return py::dtype::of<float>();
    case DType::kInt8:
      return py::dtype::of<int8_t>();
    case DType::kUInt8:
      return py::dtype::of<uint8_t>();
    case DType::kInt32:
      return py::dtype::of<int32_t>();
    case DType::kInt64:
      return py::dtype::of<int64_t>();
  }
  throw std::logic_error("dtype");
}

// Names the capsules that own engine tensors, to recognise their arrays.
constexpr const char* kTensorCapsule = "aimc.Tensor";

Tensor* engine_tensor_of(const py::array& a, DType dtype) {
  const py::handle base = a.base();
  if (!base || !PyCapsule_IsValid(base.ptr(), kTensorCapsule)) return nullptr;
  auto* t = static_cast<Tensor*>(PyCapsule_GetPointer(base.ptr(), kTensorCapsule));
  // The whole tensor, as it is: not a slice or a view of another shape,
  // and not lent to a run at this moment (then it is empty).
  const bool whole = t && !t->empty() && t->raw() == a.data() && t->dtype() == dtype &&
                     t->byte_size() == static_cast<std::size_t>(a.nbytes()) &&
                     Shape(a.shape(), a.shape() + a.ndim()) == t->shape() &&
                     (a.flags() & py::array::c_style);
  return whole ? t : nullptr;
}

}  // namespace

HostArray host_array(const py::object& a, const std::string& name) {
  if (!py::isinstance<py::array>(a)) throw bad_input(name, "expected a numpy array");
  HostArray h;
  // ensure() copies only when the layout is not C-contiguous already.
  h.keep = py::array::ensure(a, py::array::c_style);
  if (!h.keep) throw bad_input(name, "not an array");
  h.dtype = dtype_of(h.keep.dtype(), name);
  h.shape.assign(h.keep.shape(), h.keep.shape() + h.keep.ndim());
  h.data = static_cast<const std::byte*>(h.keep.data());
  h.bytes = static_cast<std::size_t>(h.keep.nbytes());
  h.engine_tensor = engine_tensor_of(h.keep, h.dtype);
  return h;
}

Tensor to_tensor(const HostArray& a, Tensor::Storage&& reuse) {
  return rows_to_tensor(a, 0, a.shape.empty() ? 1 : a.shape[0], std::move(reuse));
}

Tensor rows_to_tensor(const HostArray& a, int64_t first, int64_t count, Tensor::Storage&& reuse) {
  Shape shape = a.shape;
  std::size_t offset = 0;
  if (!shape.empty()) {
    const std::size_t row_bytes = shape[0] ? a.bytes / static_cast<std::size_t>(shape[0]) : 0;
    offset = row_bytes * static_cast<std::size_t>(first);
    shape[0] = count;
  }
  Tensor t(a.dtype, shape, std::move(reuse), false);
  // The last word's padding past the elements stays zero, as in a fresh tensor.
  if (t.bytes() > t.byte_size()) std::memset(t.raw() + t.bytes() - 8, 0, 8);
  if (t.byte_size()) std::memcpy(t.raw(), a.data + offset, t.byte_size());
  return t;
}

Tensor::Storage StoragePool::take() {
  const std::lock_guard lock(mutex_);
  if (free_.empty()) return {};
  Tensor::Storage s = std::move(free_.back());
  free_.pop_back();
  return s;
}

void StoragePool::give(Tensor::Storage&& s) {
  const std::lock_guard lock(mutex_);
  // A few buffers: one per input of as many Python threads as run at once.
  if (free_.size() < 8) free_.push_back(std::move(s));
}

py::array to_numpy(Tensor&& t) {
  const std::vector<py::ssize_t> shape(t.shape().begin(), t.shape().end());
  const py::dtype dtype = numpy_dtype(t.dtype());
  if (t.byte_size() == 0) return py::array(dtype, shape);
  auto owner = std::make_unique<Tensor>(std::move(t));
  void* data = owner->raw();
  // The capsule owns the tensor from here on: numpy frees it with the array.
  py::capsule base(owner.get(),
                   [](void* p) { std::default_delete<Tensor>{}(static_cast<Tensor*>(p)); });
  owner.release();
  if (PyCapsule_SetName(base.ptr(), kTensorCapsule) != 0) throw py::error_already_set();
  return py::array(dtype, shape, data, base);
}

py::array engine_zeros(const std::vector<int64_t>& shape, const py::dtype& dtype) {
  int64_t elements = 1;
  for (int64_t d : shape) {
    if (d < 0) throw bad_input("shape", "negative dimension");
    // Saturates instead of overflowing for absurd shapes.
    elements = d != 0 && elements > kMaxTensorElements / d ? kMaxTensorElements + 1 : elements * d;
  }
  if (elements > kMaxTensorElements)
    throw bad_input("shape", "more than 2^28 elements (engine/limits.h)");
  return to_numpy(Tensor(dtype_of(dtype, "dtype"), Shape(shape.begin(), shape.end())));
}

RunInputs::RunInputs(const std::vector<HostArray>& arrays, StoragePool& pool) : pool_(pool) {
  for (const HostArray& a : arrays) {
    lenders_.push_back(a.engine_tensor);
    tensors_.push_back(a.engine_tensor ? std::move(*a.engine_tensor) : to_tensor(a, pool_.take()));
  }
}

RunInputs::~RunInputs() {
  for (std::size_t i = 0; i < tensors_.size(); ++i) {
    if (lenders_[i])
      *lenders_[i] = std::move(tensors_[i]);
    else
      pool_.give(std::move(tensors_[i]).release_storage());
  }
}

}  // namespace aimc::python
