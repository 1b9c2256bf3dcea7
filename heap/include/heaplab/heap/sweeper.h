// The sweeper: turns an old page's dead objects and holes into free-list blocks, reading the
// mark bits the last marking left. A full GC either sweeps every page in its pause, or only
// schedules the pages (lazy sweeping, V8's Sweeper with its concurrent tasks): it accounts
// each page at its marked live bytes at once, so heap sizes stay exact, and the page's free
// blocks appear later, when
//   - an old-space allocation finds no free block (sweeping on demand, one page at a time,
//     V8's PagedSpace::RefillLabMain contributing to sweeping), or
//   - the collector's sweeping steps, paid by allocation and by idle time, reach the page, or
//   - the next full GC or the next incremental marking starts (V8's
//     Heap::CompleteSweepingFull): marking needs every mark bit cleared.
//
// Invariant [sweeping]: a page waiting to be swept (kSweepingPending) keeps its mark bits, has
// no free-list block and no LAB, and receives no new object; its unmarked objects are dead and
// nobody reads them. Swept pages have no mark bit set.
#pragma once

#include <cstddef>
#include <deque>

#include <heaplab/heap/old_space.h>

namespace heaplab {

class RememberedSet;

// Told of every free block a sweep makes, whenever the page is swept (in a full GC's pause or
// later by the lazy sweeper). The step-through's "freed" steps reach gc/'s observer this way:
// heap/ knows no collector and no observer of its own.
class FreeBlockListener {
 public:
  virtual void OnFreeBlock(Address start, std::size_t size) = 0;

 protected:
  ~FreeBlockListener() = default;
};

class Sweeper {
 public:
  Sweeper(OldSpace& space, RememberedSet& remembered_set)
      : space_(space), remembered_set_(remembered_set) {}
  Sweeper(const Sweeper&) = delete;
  Sweeper& operator=(const Sweeper&) = delete;

  // Sweeps `page` now: every run of unmarked objects and fillers becomes one free block (and
  // the old-to-new slots recorded in it are forgotten); the page is accounted at the bytes of
  // its marked objects; its mark bits are cleared (unless a full GC is under way, which still
  // reads them and clears them at its end).
  void SweepPage(Page& page);
  // A full GC is under way: pages swept now (in its sweep phase, or on demand by its
  // promotions) keep their mark bits for the rest of the collection.
  void set_in_full_gc(bool on) { in_full_gc_ = on; }
  // Null (the default) to tell nobody.
  void set_free_block_listener(FreeBlockListener* listener) { listener_ = listener; }

  // Lazy sweeping: `page` (which holds marked objects) is accounted at its live bytes now and
  // swept later.
  void Schedule(Page& page);

  bool sweeping() const { return !pending_.empty(); }
  std::size_t pending_pages() const { return pending_.size(); }

  // Sweeps the oldest pending page; false when none is left.
  bool SweepNext();
  // On demand: when the free list holds no block of `size` bytes, sweeps one pending page;
  // true if such a block now exists (else old space grows).
  bool SweepForAllocation(std::size_t size);
  // Sweeps every pending page.
  void EnsureCompleted();

  // Work done since the last call (pages swept, objects and holes passed), for the clock.
  struct Work {
    std::size_t pages = 0;
    std::size_t objects = 0;
    std::size_t freed = 0;  // bytes that became free blocks or wasted holes
  };
  Work TakeWork() {
    const Work w = work_;
    work_ = {};
    return w;
  }

  // Pages swept on demand since the heap was set up.
  std::size_t pages_swept_on_demand() const { return pages_swept_on_demand_; }

 private:
  OldSpace& space_;
  RememberedSet& remembered_set_;
  bool in_full_gc_ = false;
  FreeBlockListener* listener_ = nullptr;
  std::deque<Page*> pending_;  // in the order the full GC scheduled them
  Work work_;
  std::size_t pages_swept_on_demand_ = 0;
};

}  // namespace heaplab
