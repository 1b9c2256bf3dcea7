// new_space: the young generation's two semispaces (Cheney 1970), as V8 lays them out.
//
// Both semispaces are reserved at their maximum capacity at the bottom of the cage and
// committed up to the current capacity. The mutator bump-allocates in to-space. A Scavenge
// flips the two: the full semispace becomes from-space, survivors are copied into the empty
// to-space, and from-space is dead afterwards.
//
// Age mark: the allocation top at the end of the last young GC. Objects below it in from-space
// have already survived one Scavenge (V8 promotes them on the next one).
//
// Capacity (V8 11.3): starts at the minimum semispace size, doubles (semi-space growth factor)
// when the bytes that survived young GCs since the last growth exceed the capacity, and shrinks
// back towards the minimum when allocation is slow.
#pragma once

#include <heaplab/heap/cage.h>
#include <heaplab/heap/chunk.h>
#include <heaplab/heap/globals.h>

namespace heaplab {

class SemiSpace {
 public:
  SemiSpace(Cage& cage, Address start, std::size_t max_capacity);
  ~SemiSpace();

  Address start() const { return chunk_.start(); }
  std::size_t capacity() const { return capacity_; }  // committed bytes
  std::size_t max_capacity() const { return chunk_.size(); }
  Chunk& chunk() { return chunk_; }
  const Chunk& chunk() const { return chunk_; }
  void SetCapacity(std::size_t bytes);  // commits or decommits the tail

 private:
  Cage& cage_;
  Chunk chunk_;
  std::size_t capacity_ = 0;
};

class NewSpace {
 public:
  // Reserves both semispaces at `max_capacity` each, commits `initial_capacity`.
  NewSpace(Cage& cage, std::size_t initial_capacity, std::size_t max_capacity);

  // Bump allocation in to-space. Returns 0 when the semispace is full.
  Address Allocate(std::size_t size) {
    if (size > static_cast<std::size_t>(limit_ - top_)) return 0;
    const Address result = top_;
    top_ += size;
    return result;
  }

  // The Scavenge's steps: swap the semispaces (to-space becomes empty, from-space holds the
  // objects), then after copying set the age mark to the new top.
  void Flip();
  void SetAgeMarkToTop() { age_mark_ = top_; }
  // After a full GC has promoted every live young object: to-space is empty again.
  void Reset() { top_ = age_mark_ = to_->start(); }

  SemiSpace& to_space() { return *to_; }
  SemiSpace& from_space() { return *from_; }
  const SemiSpace& to_space() const { return *to_; }
  const SemiSpace& from_space() const { return *from_; }

  Address top() const { return top_; }
  Address from_top() const { return from_top_; }  // end of the objects a Scavenge left behind
  Address limit() const { return limit_; }
  Address age_mark() const { return age_mark_; }

  std::size_t Size() const { return top_ - to_->start(); }  // bytes allocated in to-space
  std::size_t Capacity() const { return to_->capacity(); }  // bytes per semispace
  std::size_t InitialCapacity() const { return initial_capacity_; }
  std::size_t MaximumCapacity() const { return to_->max_capacity(); }
  std::size_t Available() const { return limit_ - top_; }
  std::size_t Committed() const { return 2 * to_->capacity(); }

  // Sets both semispaces to `capacity` bytes (rounded to the OS page, clamped to the
  // [initial, maximum] range and never below the bytes in use). Returns the new capacity.
  std::size_t Resize(std::size_t capacity);

 private:
  Cage& cage_;
  SemiSpace a_;
  SemiSpace b_;
  SemiSpace* to_;
  SemiSpace* from_;
  std::size_t initial_capacity_;
  Address top_ = 0;
  Address limit_ = 0;
  Address age_mark_ = 0;
  Address from_top_ = 0;
};

}  // namespace heaplab
