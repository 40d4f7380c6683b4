#pragma once
// numpy arrays to engine tensors and back. An input is copied once into the
// engine's own 64-byte-aligned storage (kernels own and recycle their
// tensors); an output goes to numpy without a copy, the array keeping the
// engine's tensor alive.
#include <pybind11/numpy.h>

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

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

// The whole array, or rows [first, first + count) of its first axis, on
// `reuse`'s memory when given (no zero fill, no fresh pages to fault in).
Tensor to_tensor(const HostArray& a, Tensor::Storage&& reuse = {});
Tensor rows_to_tensor(const HostArray& a, int64_t first, int64_t count,
                      Tensor::Storage&& reuse = {});

// Input storage kept between calls: a fresh multi-megabyte buffer per call
// costs page faults and a zero fill comparable to the copy itself.
class StoragePool {
 public:
  Tensor::Storage take();
  void give(Tensor::Storage&& s);

 private:
  std::mutex mutex_;
  std::vector<Tensor::Storage> free_;
};

// The tensor as a numpy array over its own bytes (no copy).
pybind11::array to_numpy(Tensor&& t);

}  // namespace aimc::python
