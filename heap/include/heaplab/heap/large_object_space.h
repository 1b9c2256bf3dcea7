// large_object_space and new_large_object_space: objects larger than kMaxRegularObjectSize,
// one chunk each, never copied. A young large object that survives a Scavenge is promoted
// whole: its chunk moves from the new to the old large-object space, the object stays put.
#pragma once

#include <vector>

#include <heaplab/heap/cage.h>
#include <heaplab/heap/chunk.h>
#include <heaplab/heap/object.h>

namespace heaplab {

class LargeObjectSpace {
 public:
  LargeObjectSpace(Cage& cage, SpaceId id) : cage_(cage), id_(id) {}
  ~LargeObjectSpace();
  LargeObjectSpace(const LargeObjectSpace&) = delete;
  LargeObjectSpace& operator=(const LargeObjectSpace&) = delete;

  // A chunk for one object of `size` bytes; returns its start or 0 if the cage is exhausted.
  Address Allocate(std::size_t size);
  void Free(Chunk* chunk);
  // Moves `chunk` from `from` to this space (the object does not move).
  void TakeFrom(LargeObjectSpace& from, Chunk* chunk);

  const std::vector<Chunk*>& chunks() const { return chunks_; }
  SpaceId id() const { return id_; }
  std::size_t Size() const { return size_; }            // bytes of objects
  std::size_t Committed() const { return committed_; }  // bytes committed
  std::size_t ObjectCount() const { return chunks_.size(); }

 private:
  static std::size_t CommittedSize(std::size_t object_size);
  void Remove(Chunk* chunk);

  Cage& cage_;
  SpaceId id_;
  std::vector<Chunk*> chunks_;
  std::size_t size_ = 0;
  std::size_t committed_ = 0;
};

}  // namespace heaplab
