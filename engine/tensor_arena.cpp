#include "engine/tensor_arena.h"

#include <iterator>
#include <utility>

namespace aimc {

Tensor TensorArena::make(DType dtype, Shape shape, bool zero) {
  const std::size_t bytes = static_cast<std::size_t>(element_count(shape)) * dtype_size(dtype);
  Tensor::Storage storage;
  {
    const std::lock_guard lock(mutex_);
    const auto fit = free_.lower_bound(bytes);
    if (fit != free_.end()) {
      // Of the buffers of that capacity, the last recycled: its lines are
      // the likeliest still in cache (a cold output costs each store a
      // read from memory first).
      const auto it = std::prev(free_.upper_bound(fit->first));
      storage = std::move(it->second);
      free_.erase(it);
    }
  }
  return Tensor(dtype, std::move(shape), std::move(storage), zero);
}

void TensorArena::recycle(Tensor&& t) {
  const std::size_t capacity = t.capacity_bytes();
  if (capacity == 0) return;
  Tensor::Storage storage = std::move(t).release_storage();
  const std::lock_guard lock(mutex_);
  free_.emplace(capacity, std::move(storage));
  // Drop the smallest buffers first: they save the least.
  while (free_.size() > kMaxBuffers) free_.erase(free_.begin());
}

std::size_t TensorArena::free_bytes() const {
  const std::lock_guard lock(mutex_);
  std::size_t total = 0;
  for (const auto& [capacity, storage] : free_) total += capacity;
  return total;
}

std::size_t TensorArena::free_buffers() const {
  const std::lock_guard lock(mutex_);
  return free_.size();
}

}  // namespace aimc
