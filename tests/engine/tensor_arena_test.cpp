// The tensor arena: recycled storage is reused best-fit and zero-filled when
// asked.
#include "engine/tensor_arena.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>

namespace aimc {
namespace {

TEST(TensorArena, RecycledStorageIsReusedAndZeroedOnRequest) {
  TensorArena arena;
  Tensor a = arena.make(DType::kInt8, {1, 64, 64, 16}, /*zero=*/true);
  EXPECT_TRUE(
      std::all_of(a.data<int8_t>(), a.data<int8_t>() + a.size(), [](int8_t v) { return v == 0; }));
  std::fill(a.data<int8_t>(), a.data<int8_t>() + a.size(), int8_t{7});
  const std::byte* bytes = a.raw();
  arena.recycle(std::move(a));
  EXPECT_EQ(arena.free_buffers(), 1u);
  EXPECT_EQ(arena.free_bytes(), 65536u);
  // Same size: the same memory comes back, cleared because asked to.
  Tensor b = arena.make(DType::kInt8, {1, 64, 64, 16}, /*zero=*/true);
  EXPECT_EQ(b.raw(), bytes);
  EXPECT_EQ(arena.free_buffers(), 0u);
  EXPECT_TRUE(
      std::all_of(b.data<int8_t>(), b.data<int8_t>() + b.size(), [](int8_t v) { return v == 0; }));
  EXPECT_EQ(b.shape(), (Shape{1, 64, 64, 16}));
  arena.recycle(std::move(b));
  // Another type and a somewhat smaller shape fit in it too.
  Tensor c = arena.make(DType::kFloat32, {100, 100}, /*zero=*/false);
  EXPECT_EQ(c.raw(), bytes);
  EXPECT_EQ(c.size(), 10000);
  arena.recycle(std::move(c));
  // Best fit: with two free buffers, a small tensor takes the smaller one.
  Tensor big = arena.make(DType::kInt8, {1 << 20}, /*zero=*/false);
  const std::byte* big_bytes = big.raw();
  arena.recycle(std::move(big));
  EXPECT_EQ(arena.free_buffers(), 2u);
  Tensor tiny = arena.make(DType::kInt8, {4}, /*zero=*/true);
  EXPECT_EQ(tiny.raw(), bytes);
  Tensor large = arena.make(DType::kInt8, {1 << 19}, /*zero=*/false);
  EXPECT_EQ(large.raw(), big_bytes);
  EXPECT_EQ(arena.free_buffers(), 0u);
}

TEST(TensorArena, EmptyTensorsAreNotKept) {
  TensorArena arena;
  arena.recycle(Tensor());
  EXPECT_EQ(arena.free_buffers(), 0u);
}

// Of equal-capacity buffers the last recycled comes back first (its lines
// are the likeliest in cache).
TEST(TensorArena, EqualBuffersComeBackLastRecycledFirst) {
  TensorArena arena;
  Tensor a = arena.make(DType::kFloat32, {1000}, false);
  Tensor b = arena.make(DType::kFloat32, {1000}, false);
  const std::byte* a_bytes = a.raw();
  const std::byte* b_bytes = b.raw();
  arena.recycle(std::move(a));
  arena.recycle(std::move(b));
  EXPECT_EQ(arena.make(DType::kFloat32, {1000}, false).raw(), b_bytes);
  EXPECT_EQ(arena.make(DType::kFloat32, {1000}, false).raw(), a_bytes);
}

// Storage starts on a 64-byte cache line, small or large (malloc alone puts
// large blocks 16 bytes past a page), new or recycled.
TEST(TensorArena, StorageStartsOnACacheLine) {
  TensorArena arena;
  for (int64_t n : {1, 3, 1000, 1 << 20, 3 << 20}) {
    Tensor t = arena.make(DType::kFloat32, {n}, false);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(t.raw()) % 64, 0u) << n;
    arena.recycle(std::move(t));
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(arena.make(DType::kInt8, {n}, false).raw()) % 64, 0u)
        << n;
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(Tensor(DType::kInt32, {n}).raw()) % 64, 0u) << n;
  }
}

}  // namespace
}  // namespace aimc
