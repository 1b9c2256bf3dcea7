// Segregated free lists for old space. A free block is a filler object whose second word links
// to the next block of its size class. Class k holds blocks of [2^k, 2^(k+1)) bytes, so any
// block of class ceil(log2(size)) or above fits a request of `size` bytes: allocation takes
// the first block of the first non-empty class that guarantees a fit (no search inside a
// list). Holes smaller than kMinFreeBlock stay as fillers and are counted as wasted.
#pragma once

#include <array>
#include <bit>
#include <cstddef>

#include <heaplab/heap/globals.h>

namespace heaplab {

inline constexpr std::size_t kMinFreeBlock = 2 * kWordSize;

class FreeList {
 public:
  // Adds [start, start+size) as a free block (it writes the filler). Holes too small to hold a
  // link are only covered with a filler. Returns the bytes that became allocatable.
  std::size_t Add(Address start, std::size_t size);

  // Takes a block of at least `size` bytes; returns its start and size, or {0, 0}.
  struct Block {
    Address start;
    std::size_t size;
  };
  Block Take(std::size_t size);

  // Whether Take(size) would find a block.
  bool CanServe(std::size_t size) const {
    for (int k = FitClassOf(size); k < kClasses; ++k)
      if (heads_[k] != 0) return true;
    return false;
  }
  // fn(start, class) for every listed block, class by class, while fn returns true (the
  // verifier stops a walk that a broken link would make endless).
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (int k = 0; k < kClasses; ++k)
      for (Address b = heads_[k]; b != 0; b = Next(b))
        if (!fn(b, k)) return;
  }
  // The class a block of `size` bytes is listed in.
  static int ClassOf(std::size_t size) { return static_cast<int>(std::bit_width(size)) - 1; }

  void Reset();
  std::size_t available() const { return available_; }  // bytes in listed blocks
  std::size_t wasted() const { return wasted_; }        // bytes in holes too small to list

 private:
  static constexpr int kClasses = 40;
  static Address Next(Address block) {
    return *reinterpret_cast<const Address*>(block + kWordSize);
  }
  static int FitClassOf(std::size_t size) { return static_cast<int>(std::bit_width(size - 1)); }

  std::array<Address, kClasses> heads_{};
  std::size_t available_ = 0;
  std::size_t wasted_ = 0;
};

}  // namespace heaplab
