// A bitmap with one bit per word of a chunk: the shape of both the remembered set's slot set
// (which slots of an old chunk hold old-to-new references) and the marking bitmap (which
// objects are marked). Allocated lazily: a chunk with no recorded slot pays nothing.
#pragma once

#include <bit>
#include <cstdint>
#include <memory>

#include <heaplab/heap/globals.h>

namespace heaplab {

class ChunkBitmap {
 public:
  ChunkBitmap() = default;
  explicit ChunkBitmap(std::size_t bits) { Resize(bits); }

  // Sizes the bitmap for `bits` bits and clears it, allocating on first use.
  void Resize(std::size_t bits) {
    words_count_ = (bits + 63) / 64;
    words_ = std::make_unique<std::uint64_t[]>(words_count_);
  }
  bool allocated() const { return words_ != nullptr; }
  void Release() {
    words_.reset();
    words_count_ = 0;
  }

  bool Get(std::size_t i) const { return (words_[i / 64] >> (i % 64)) & 1u; }
  void Set(std::size_t i) { words_[i / 64] |= std::uint64_t{1} << (i % 64); }
  void Clear(std::size_t i) { words_[i / 64] &= ~(std::uint64_t{1} << (i % 64)); }
  void ClearAll() {
    for (std::size_t w = 0; w < words_count_; ++w)
      words_[w] = 0;
  }
  // Clears bits [begin, end).
  void ClearRange(std::size_t begin, std::size_t end) {
    while (begin < end && begin % 64 != 0)
      Clear(begin++);
    while (begin + 64 <= end) {
      words_[begin / 64] = 0;
      begin += 64;
    }
    while (begin < end)
      Clear(begin++);
  }
  bool Empty() const {
    for (std::size_t w = 0; w < words_count_; ++w)
      if (words_[w] != 0) return false;
    return true;
  }
  std::size_t Count() const {
    std::size_t n = 0;
    for (std::size_t w = 0; w < words_count_; ++w)
      n += std::popcount(words_[w]);
    return n;
  }

  // Calls fn(i) for each set bit, in increasing order. fn may clear the bit it is given.
  template <typename Fn>
  void ForEachSet(Fn&& fn) const {
    for (std::size_t w = 0; w < words_count_; ++w) {
      std::uint64_t bits = words_[w];
      while (bits != 0) {
        const int b = std::countr_zero(bits);
        bits &= bits - 1;
        fn(w * 64 + static_cast<std::size_t>(b));
      }
    }
  }

 private:
  std::unique_ptr<std::uint64_t[]> words_;
  std::size_t words_count_ = 0;
};

}  // namespace heaplab
