// old_space: pages of kPageSize (256 KiB) that hold objects promoted out of the young
// generation (and, later, objects the mutator allocates there directly).
//
// Allocation bump-allocates in a linear allocation area (LAB) carved from a free-list block or
// a fresh page. Invariant [iterable]: every page is covered end to end by objects and fillers,
// so it can be walked from its start at any time outside a collection; the unused part of the
// LAB always carries a filler header.
#pragma once

#include <memory>
#include <vector>

#include <heaplab/heap/cage.h>
#include <heaplab/heap/chunk.h>
#include <heaplab/heap/free_list.h>
#include <heaplab/heap/object.h>

namespace heaplab {

using Page = Chunk;

class Sweeper;

class OldSpace {
 public:
  explicit OldSpace(Cage& cage) : cage_(cage) {}
  ~OldSpace();
  OldSpace(const OldSpace&) = delete;
  OldSpace& operator=(const OldSpace&) = delete;

  // Allocates `size` bytes (at most kMaxRegularObjectSize). Returns 0 when neither the free
  // list nor a new page can serve it (the cage is exhausted).
  Address Allocate(std::size_t size) {
    if (size <= static_cast<std::size_t>(lab_limit_ - lab_top_)) {
      const Address result = lab_top_;
      lab_top_ += size;
      WriteFiller(lab_top_, lab_limit_ - lab_top_);
      lab_page_->allocated_bytes_ += size;
      size_ += size;
      return result;
    }
    return AllocateSlow(size);
  }

  const std::vector<Page*>& pages() const { return pages_; }
  std::size_t Size() const { return size_; }  // bytes of objects
  std::size_t Committed() const { return pages_.size() * kPageSize; }
  std::size_t Available() const {
    return free_list_.available() + static_cast<std::size_t>(lab_limit_ - lab_top_);
  }
  std::size_t Wasted() const { return free_list_.wasted(); }
  const FreeList& free_list() const { return free_list_; }
  bool CanServeFromFreeList(std::size_t size) const { return free_list_.CanServe(size); }
  bool OwnsLab(const Page* page) const { return page == lab_page_ && lab_limit_ > lab_top_; }

  // The lazy sweeper, asked for free blocks before a new page is added (sweeping on demand).
  void set_sweeper(Sweeper* sweeper) { sweeper_ = sweeper; }

  // Gives up the LAB: its rest becomes a free block, so every page parses end to end.
  void FreeLab();

  // The door through which the sweeper and the compactors hand old space their results; old
  // space alone keeps its [accounting] (Size() is the sum of its pages' allocated_bytes(), and
  // each page's count is the bytes of its objects):
  //   StartSweeping()      gives up the LAB and forgets the free list: every free block is
  //                        about to be reported afresh;
  //   AddFree(start, size) a free block the collector found (or left at a page's end);
  //   AccountSweptPage(page, live_bytes)  the bytes of objects the page holds now;
  //   Heap::ReleasePages   pages with nothing left.
  void StartSweeping() {
    FreeLab();
    free_list_.Reset();
  }
  void AddFree(Address start, std::size_t size) { free_list_.Add(start, size); }
  void AccountSweptPage(Page& page, std::size_t live_bytes) {
    size_ = size_ - page.allocated_bytes_ + live_bytes;
    page.allocated_bytes_ = live_bytes;
  }
  // Releases pages to the cage in one pass over the page list (their bytes leave Size()).
  void ReleasePages(const std::vector<Page*>& pages);
  // Gives a compactor a fresh empty page to bump-allocate into; it becomes an ordinary page.
  // A prepared page is taken before any new memory.
  Page* AddPage();

  // Prepared pages: cage memory committed and written once on every OS page before a
  // collection needs it, so that the collection which fills it pays no first-touch page fault
  // in its pause (incremental marking prepares them in its steps for the finishing pause's
  // promotions: docs/incremental-marking.md, section 4a). They hold no object and are no part of
  // old space (pages(), Size(), Committed()) until AddPage takes one.
  // Prepares pages until `want` bytes are prepared, at most `budget` bytes of them now (whole
  // pages, at least one when any is wanted); returns the bytes this call prepared.
  std::size_t Prepare(std::size_t want, std::size_t budget);
  // Gives every prepared page back to the cage (decommitted); returns how many there were.
  std::size_t ReleasePrepared();
  std::size_t prepared_bytes() const { return prepared_.size() * kPageSize; }
  // Since the space was made: pages prepared, and of those, taken by AddPage.
  std::size_t pages_prepared() const { return pages_prepared_; }
  std::size_t prepared_pages_used() const { return prepared_used_; }

 private:
  Address AllocateSlow(std::size_t size);
  void SetLab(Page* page, Address start, Address end);

  Cage& cage_;
  Sweeper* sweeper_ = nullptr;
  std::vector<Page*> pages_;       // in the order they were added
  std::vector<Address> prepared_;  // prepared pages' starts, taken last first
  std::size_t pages_prepared_ = 0;
  std::size_t prepared_used_ = 0;
  FreeList free_list_;
  Page* lab_page_ = nullptr;
  Address lab_top_ = 0;
  Address lab_limit_ = 0;
  std::size_t size_ = 0;
};

}  // namespace heaplab
