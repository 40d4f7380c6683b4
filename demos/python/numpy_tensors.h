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
  // The engine tensor whose bytes the whole array is (an output of a run,
  // or aimc.zeros), lent to a run instead of copied; null otherwise.
  Tensor* engine_tensor = nullptr;
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

// A zero-filled engine tensor as a numpy array (aimc.zeros).
pybind11::array engine_zeros(const std::vector<int64_t>& shape, const pybind11::dtype& dtype);

// The inputs of one run: engine tensors lent by their arrays (moved in, so
// the bytes stay where the arrays point, and moved back at the end, which
// must happen with the GIL held: other threads look at them under it), the
// other arrays copied onto pooled storage, returned to the pool after.
class RunInputs {
 public:
  RunInputs(const std::vector<HostArray>& arrays, StoragePool& pool);
  ~RunInputs();
  RunInputs(const RunInputs&) = delete;
  RunInputs& operator=(const RunInputs&) = delete;
  const std::vector<Tensor>& tensors() const { return tensors_; }

 private:
  std::vector<Tensor> tensors_;
  std::vector<Tensor*> lenders_;  // per input: the array's engine tensor, or null
  StoragePool& pool_;
};

}  // namespace aimc::python
