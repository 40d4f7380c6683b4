#include "engine/tensor.h"

#include <stdexcept>

namespace aimc {

std::size_t dtype_size(DType t) {
  switch (t) {
    case DType::kFloat32:
      return 4;
    case DType::kInt8:
      return 1;
    case DType::kUInt8:
      return 1;
    case DType::kInt32:
      return 4;
    case DType::kInt64:
      return 8;
  }
  return 0;
}

std::string dtype_name(DType t) {
  switch (t) {
    case DType::kFloat32:
      return "float32";
    case DType::kInt8:
      return "int8";
    case DType::kUInt8:
      return "uint8";
    case DType::kInt32:
      return "int32";
    case DType::kInt64:
      return "int64";
  }
  return "?";
}

int64_t element_count(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

std::string shape_str(const Shape& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i) out += ",";
    out += std::to_string(s[i]);
  }
  return out + "]";
}

Tensor::Tensor(DType dtype, Shape shape) : dtype_(dtype), shape_(std::move(shape)) {
  for (int64_t d : shape_) {
    if (d < 0) throw std::invalid_argument("negative tensor dimension " + shape_str(shape_));
  }
  const std::size_t bytes = static_cast<std::size_t>(element_count(shape_)) * dtype_size(dtype_);
  storage_.assign((bytes + sizeof(Word) - 1) / sizeof(Word), 0);
}

Tensor::Tensor(DType dtype, Shape shape, Storage&& reuse, bool zero)
    : dtype_(dtype), shape_(std::move(shape)), storage_(std::move(reuse)) {
  for (int64_t d : shape_) {
    if (d < 0) throw std::invalid_argument("negative tensor dimension " + shape_str(shape_));
  }
  const std::size_t bytes = static_cast<std::size_t>(element_count(shape_)) * dtype_size(dtype_);
  const std::size_t words = (bytes + sizeof(Word) - 1) / sizeof(Word);
  if (zero)
    storage_.assign(words, 0);
  else
    storage_.resize(words);
}

Tensor::Storage Tensor::release_storage() && {
  shape_.clear();
  shape_.push_back(0);
  return std::move(storage_);
}

void Tensor::reshape(Shape shape) {
  if (element_count(shape) != element_count(shape_)) {
    throw std::invalid_argument("reshape " + shape_str(shape_) + " -> " + shape_str(shape));
  }
  shape_ = std::move(shape);
}

void Tensor::throw_type_mismatch(DType requested) const {
  throw std::logic_error("tensor holds " + dtype_name(dtype_) + ", accessed as " +
                         dtype_name(requested));
}

}  // namespace aimc
