// A chunk is the metadata of one contiguous piece of heap memory: an old-space page, a
// semispace, or a large object's chunk. The memory itself lives in the cage; the metadata lives
// off the page, found through the cage's chunk table (Cage::ChunkOf), so an object area is
// exactly the chunk's memory and nothing of ours is mixed with the objects.
#pragma once

#include <cstdint>

#include <heaplab/heap/bitmap.h>
#include <heaplab/heap/globals.h>

namespace heaplab {

enum ChunkFlag : std::uint32_t {
  kYoung = 1u << 0,                // part of the young generation (semispace or new LO chunk)
  kFromSpace = 1u << 1,            // the semispace being evacuated by a running Scavenge
  kLarge = 1u << 2,                // holds exactly one large object
  kEvacuationCandidate = 1u << 3,  // a full GC moves this page's live objects elsewhere
  kSurvived = 1u << 4,             // a young large object found alive by a running Scavenge
  kReleased = 1u << 5,             // about to be released (batch removal from lists)
  kSweepingPending = 1u << 6,      // an old page the lazy sweeper has yet to sweep (sweeper.h)
};

class Chunk {
 public:
  Chunk(Address start, std::size_t size, SpaceId owner, std::uint32_t flags)
      : start_(start), size_(size), owner_(owner), flags_(flags) {}
  Chunk(const Chunk&) = delete;
  Chunk& operator=(const Chunk&) = delete;

  Address start() const { return start_; }
  Address end() const { return start_ + size_; }
  std::size_t size() const { return size_; }  // bytes of object area
  bool Contains(Address a) const { return a >= start_ && a < end(); }

  SpaceId owner() const { return owner_; }
  void set_owner(SpaceId owner) { owner_ = owner; }

  bool Is(ChunkFlag f) const { return (flags_ & f) != 0; }
  void Set(ChunkFlag f) { flags_ |= f; }
  void Clear(ChunkFlag f) { flags_ &= ~static_cast<std::uint32_t>(f); }

  // Word index of an address in this chunk, for the bitmaps.
  std::size_t WordIndex(Address a) const { return (a - start_) / kWordSize; }
  Address WordAddress(std::size_t i) const { return start_ + i * kWordSize; }

  // Old-to-new slots recorded in this chunk (the remembered set's slot set).
  ChunkBitmap& slot_set() { return slot_set_; }
  const ChunkBitmap& slot_set() const { return slot_set_; }
  bool in_remembered_list() const { return in_remembered_list_; }  // see RememberedSet

  // Mark bits, one per word; the bit of an object's first word is its mark.
  ChunkBitmap& marks() { return marks_; }
  const ChunkBitmap& marks() const { return marks_; }

  // Bytes of objects (not fillers) in this chunk. Only the space that owns the chunk changes
  // it, so that it keeps its [accounting]: a collector hands its results to the space
  // (OldSpace::AccountSweptPage) instead of writing the count.
  std::size_t allocated_bytes() const { return allocated_bytes_; }

  // Bytes marked live by the last marking: the marker adds each object it marks and resets the
  // count when it clears the mark bits.
  std::size_t live_bytes() const { return live_bytes_; }
  void AddLiveBytes(std::size_t bytes) { live_bytes_ += bytes; }
  void ResetLiveBytes() { live_bytes_ = 0; }

 private:
  friend class OldSpace;          // counts allocated_bytes_ of its pages
  friend class LargeObjectSpace;  // counts allocated_bytes_ of its chunks
  friend class RememberedSet;     // keeps in_remembered_list_

  Address start_;
  std::size_t size_;
  SpaceId owner_;
  std::uint32_t flags_;
  ChunkBitmap slot_set_;
  ChunkBitmap marks_;
  std::size_t allocated_bytes_ = 0;  // bytes
  std::size_t live_bytes_ = 0;       // bytes
  bool in_remembered_list_ = false;  // listed in RememberedSet::chunks_
};

}  // namespace heaplab
