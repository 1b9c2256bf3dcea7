// new_space: the young generation's two semispaces (Cheney 1970), as V8 lays them out.
//
// Both semispaces are reserved at their maximum capacity at the bottom of the cage. Each is a
// run of V8's new-space pages (kPageSize each) of which only the object area is usable:
// kNewSpacePageArea bytes, the rest being what V8 spends on the page header (heaplab keeps
// chunk metadata off the page, chunk.h, so those bytes are left unused at the page's end). So
// a 1 MiB semispace holds 1006 KiB of objects, the figure Node prints. The mutator
// bump-allocates in to-space page by page: an object that does not fit in the rest of the
// current page leaves that rest as a filler and starts the next page (V8's
// SemiSpaceNewSpace::AddFreshPage). A Scavenge flips the two: the full semispace becomes
// from-space, survivors are copied into the empty to-space, and from-space is dead afterwards.
//
// Commit (V8 11.3): to-space is committed from the start; from-space only when the first GC
// needs it (Heap::EnsureFromSpaceIsCommitted), and it is uncommitted again when new space
// shrinks (Heap::ReduceNewSpaceSize).
//
// Age mark: the allocation top at the end of the last young GC. Objects below it in from-space
// have already survived one Scavenge (V8 promotes them on the next one).
//
// Capacity (V8 11.3): TotalCapacity is the committed bytes of one semispace, Capacity the
// usable bytes of its pages (SemiSpaceNewSpace::Capacity). It starts at the minimum semispace
// size, doubles (semi-space growth factor) when the bytes that survived young GCs since the
// last growth exceed TotalCapacity, and shrinks back towards the minimum when allocation is
// slow.
#pragma once

#include <heaplab/heap/cage.h>
#include <heaplab/heap/chunk.h>
#include <heaplab/heap/globals.h>

namespace heaplab {

// Usable bytes of a new-space page: V8 11.3's MemoryChunkLayout::AllocatableMemoryInDataPage on
// x64 (kPageSize less the page header), measured in Node 20 as space_used_size +
// space_available_size of v8.getHeapSpaceStatistics() for a 1 MiB semispace: 1030880 / 4.
inline constexpr std::size_t kNewSpacePageArea = 257720;

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
  // Reserves both semispaces at `max_capacity` each (rounded to pages), commits
  // `initial_capacity` of to-space.
  NewSpace(Cage& cage, std::size_t initial_capacity, std::size_t max_capacity);

  // Bump allocation in to-space. Returns 0 when the semispace is full.
  Address Allocate(std::size_t size) {
    if (size > static_cast<std::size_t>(limit_ - top_)) [[unlikely]]
      return AllocateOnFreshPage(size);
    const Address result = top_;
    top_ += size;
    return result;
  }
  // Gives back [address, top): the unused end of the last buffer carved from the top.
  void GiveBack(Address address) { top_ = address; }

  // The Scavenge's steps: commit from-space if needed and swap the semispaces (to-space
  // becomes empty, from-space holds the objects), then after copying set the age mark to the
  // new top.
  void Flip();
  void SetAgeMarkToTop() { age_mark_ = top_; }
  // After a full GC has promoted every live young object: to-space is empty again.
  void Reset();

  SemiSpace& to_space() { return *to_; }
  SemiSpace& from_space() { return *from_; }
  const SemiSpace& to_space() const { return *to_; }
  const SemiSpace& from_space() const { return *from_; }

  Address top() const { return top_; }
  Address from_top() const { return from_top_; }  // end of the objects a Scavenge left behind
  Address limit() const { return limit_; }        // end of the current page's object area
  Address age_mark() const { return age_mark_; }

  // Bytes allocated in to-space, page tails left as fillers included (V8's Size: the pages
  // before the current one at their usable size, plus the current page up to the top).
  std::size_t Size() const { return page_ * kNewSpacePageArea + (top_ - PageStart(page_)); }
  std::size_t Capacity() const { return Pages(to_->capacity()) * kNewSpacePageArea; }
  std::size_t TotalCapacity() const { return to_->capacity(); }  // committed bytes per semispace
  std::size_t InitialCapacity() const { return initial_capacity_; }    // total, per semispace
  std::size_t MaximumCapacity() const { return to_->max_capacity(); }  // total, per semispace
  bool IsAtMaximumCapacity() const { return TotalCapacity() >= MaximumCapacity(); }
  std::size_t Available() const { return Capacity() - Size(); }
  std::size_t Committed() const { return to_->capacity() + from_->capacity(); }

  // Sets the total capacity of both semispaces (rounded up to whole pages, clamped to the
  // [initial, maximum] range and never below the pages in use). Returns the new total.
  std::size_t Resize(std::size_t total_capacity);
  // V8 (SemiSpaceNewSpace::UncommitFromSpace): from-space returns its memory until the next GC.
  void UncommitFromSpace() { from_->SetCapacity(0); }

 private:
  static std::size_t Pages(std::size_t bytes) { return bytes / kPageSize; }
  Address PageStart(std::size_t page) const { return to_->start() + page * kPageSize; }
  Address AllocateOnFreshPage(std::size_t size);
  void StartPage(std::size_t page);

  SemiSpace a_;
  SemiSpace b_;
  SemiSpace* to_;
  SemiSpace* from_;
  std::size_t initial_capacity_;
  std::size_t page_ = 0;  // index of the current to-space page
  Address top_ = 0;
  Address limit_ = 0;
  Address age_mark_ = 0;
  Address from_top_ = 0;
};

}  // namespace heaplab
