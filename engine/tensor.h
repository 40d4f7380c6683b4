#pragma once
// A dense tensor: element type, shape and owned bytes. Activations of the
// integer path are NHWC (as TFLite), float tensors follow ONNX (NCHW).
#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace aimc {

// An allocator whose resize leaves new elements uninitialized, so storage
// recycled by the tensor arena is not cleared again for outputs a kernel
// overwrites anyway. Tensors that need zeros ask for them.
// Storage starts on a cache line: malloc puts large blocks 16 bytes past a
// page, so every 64-byte vector load and store of a plane straddled two
// lines.
template <typename T>
struct UninitializedAllocator : std::allocator<T> {
  static constexpr std::align_val_t kAlignment{64};
  using std::allocator<T>::allocator;
  template <typename U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlignment)); }
  // The unsized form: clang does not enable sized deallocation by default.
  void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, kAlignment); }
  template <typename U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

enum class DType { kFloat32, kInt8, kUInt8, kInt32, kInt64 };

std::size_t dtype_size(DType t);
std::string dtype_name(DType t);

template <typename T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<float>() {
  return DType::kFloat32;
}
template <>
constexpr DType dtype_of<int8_t>() {
  return DType::kInt8;
}
template <>
constexpr DType dtype_of<uint8_t>() {
  return DType::kUInt8;
}
template <>
constexpr DType dtype_of<int32_t>() {
  return DType::kInt32;
}
template <>
constexpr DType dtype_of<int64_t>() {
  return DType::kInt64;
}

using Shape = std::vector<int64_t>;
int64_t element_count(const Shape& s);
std::string shape_str(const Shape& s);

class Tensor {
 public:
  // 8-byte words keep every element type aligned.
  using Storage = std::vector<int64_t, UninitializedAllocator<int64_t>>;

  Tensor() = default;
  Tensor(DType dtype, Shape shape);  // zero-filled
  // On recycled storage (see TensorArena): zero-filled only if `zero`.
  Tensor(DType dtype, Shape shape, Storage&& reuse, bool zero);
  // Gives up the bytes, for recycling; the tensor is left empty.
  Storage release_storage() &&;
  std::size_t capacity_bytes() const { return storage_.capacity() * sizeof(Word); }

  template <typename T>
  static Tensor from(Shape shape, std::span<const T> values) {
    Tensor t(dtype_of<T>(), std::move(shape));
    t.check<T>();
    std::copy(values.begin(), values.end(), t.data<T>());
    return t;
  }

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t dim(std::size_t i) const { return shape_.at(i); }
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t size() const { return element_count(shape_); }
  std::size_t bytes() const { return storage_.size() * sizeof(Word); }
  bool empty() const { return storage_.empty(); }

  // Changes the shape without touching the bytes (same element count).
  void reshape(Shape shape);

  template <typename T>
  T* data() {
    check<T>();
    return reinterpret_cast<T*>(storage_.data());
  }
  template <typename T>
  const T* data() const {
    check<T>();
    return reinterpret_cast<const T*>(storage_.data());
  }
  template <typename T>
  std::span<const T> values() const {
    return {data<T>(), static_cast<std::size_t>(size())};
  }
  std::byte* raw() { return reinterpret_cast<std::byte*>(storage_.data()); }
  const std::byte* raw() const { return reinterpret_cast<const std::byte*>(storage_.data()); }
  std::size_t byte_size() const { return static_cast<std::size_t>(size()) * dtype_size(dtype_); }

 private:
  using Word = int64_t;
  template <typename T>
  void check() const {
    if (dtype_of<T>() != dtype_) throw_type_mismatch(dtype_of<T>());
  }
  [[noreturn]] void throw_type_mismatch(DType requested) const;

  DType dtype_ = DType::kFloat32;
  Shape shape_;
  Storage storage_;
};

}  // namespace aimc
