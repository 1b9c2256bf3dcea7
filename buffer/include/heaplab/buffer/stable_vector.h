// A growable array whose elements never move: blocks of 2^kShift elements, allocated as the
// array grows and never copied. The pool keeps its Buffer records and slabs in it, so that
// growing costs one block allocation per 2^kShift elements instead of copying the whole array
// on each doubling (in the pool's allocation benchmark, a quarter of BufferPool::Allocate's
// time was std::vector relocating records), and so that a reference to an element stays valid.
// A block's storage is left uninitialized until push_back constructs each element in place:
// the elements must be trivially destructible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

namespace heaplab {

template <typename T, unsigned kShift>
class StableVector {
  static_assert(std::is_trivially_destructible_v<T>);

 public:
  static constexpr std::size_t kBlock = std::size_t{1} << kShift;

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](std::size_t i) { return blocks_[i >> kShift].get()[i & (kBlock - 1)]; }
  const T& operator[](std::size_t i) const { return blocks_[i >> kShift].get()[i & (kBlock - 1)]; }
  T& back() { return (*this)[size_ - 1]; }

  // Appends `value`; returns the new element.
  T& push_back(const T& value) {
    if (size_ == block_limit_) [[unlikely]]
      NextBlock();
    return PushUnchecked(value);
  }
  // Elements that can be appended before the next block is needed.
  std::size_t room() const { return block_limit_ - size_; }
  // push_back when room() > 0: no check. The pool's bump path uses it, having bounded how many
  // Buffers it can carve before it checks room() again.
  T& PushUnchecked(const T& value) {
    T* slot = std::construct_at(Slot(size_), value);
    ++size_;
    return *slot;
  }

  // Allocates the blocks for `n` elements in all and writes to every page of them, so that
  // appending up to `n` touches no page the kernel has not yet mapped.
  void Reserve(std::size_t n) {
    while ((blocks_.size() << kShift) < n) {
      T* block = NewBlock();
      std::memset(static_cast<void*>(block), 0, kBlock * sizeof(T));
      blocks_.emplace_back(block);
    }
  }

  // Calls f(element) for each element in order.
  template <typename F>
  void ForEach(F f) {
    for (std::size_t i = 0; i < size_; ++i)
      f((*this)[i]);
  }
  template <typename F>
  void ForEach(F f) const {
    for (std::size_t i = 0; i < size_; ++i)
      f((*this)[i]);
  }

 private:
  static constexpr std::align_val_t kAlign{alignof(T)};
  static T* NewBlock() { return static_cast<T*>(::operator new(kBlock * sizeof(T), kAlign)); }
  // The block where element size_ goes: a reserved one, or a new one.
  void NextBlock() {
    const std::size_t index = size_ >> kShift;
    if (index == blocks_.size()) blocks_.emplace_back(NewBlock());
    base_ = reinterpret_cast<std::uintptr_t>(blocks_[index].get()) - size_ * sizeof(T);
    block_limit_ = size_ + kBlock;
  }
  // Element i of the last block (block_limit_ - kBlock <= i < block_limit_): one add from
  // base_, the address element 0 would have if every block were the last one.
  T* Slot(std::size_t i) const { return reinterpret_cast<T*>(base_ + i * sizeof(T)); }
  struct FreeBlock {
    void operator()(T* block) const { ::operator delete(block, kAlign); }
  };
  std::vector<std::unique_ptr<T, FreeBlock>> blocks_;
  std::size_t size_ = 0;
  std::size_t block_limit_ = 0;  // one past the last index the last block holds
  std::uintptr_t base_ = 0;      // see Slot
};

}  // namespace heaplab
