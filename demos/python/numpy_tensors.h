#pragma once
// numpy arrays to engine tensors and back. An input is copied once into the
// engine's own 64-byte-aligned storage (kernels own and recycle their
// tensors); an output goes to numpy without a copy, the array keeping the
// engine's tensor alive.
#include <pybind11/numpy.h>

#include <cstddef>
#include <string>

#include "engine/tensor.h"

namespace aimc::python {

// A C-ordered array's dtype, shape and bytes (a copy only when the array
// was not C-ordered), read while holding the GIL; the tensors below are
// then made from it without the GIL.
struct HostArray {
  pybind11::array keep;  // owns `data`
  DType dtype = DType::kFloat32;
  Shape shape;
  const std::byte* data = nullptr;
  std::size_t bytes = 0;
};
// BadInput naming `name` for a dtype the engine lacks or a non-array.
HostArray host_array(const pybind11::object& a, const std::string& name);

// The whole array, or rows [first, first + count) of its first axis.
Tensor to_tensor(const HostArray& a);
Tensor rows_to_tensor(const HostArray& a, int64_t first, int64_t count);

// The tensor as a numpy array over its own bytes (no copy).
pybind11::array to_numpy(Tensor&& t);

}  // namespace aimc::python
