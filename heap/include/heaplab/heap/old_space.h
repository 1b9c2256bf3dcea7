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
      lab_page_->allocated_bytes += size;
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

  // For the sweeper and the compactors: give up the LAB (its rest becomes free), forget the
  // free list, add free blocks back, release empty pages, and fix the size after sweeping.
  void FreeLab();
  // Drops the LAB without touching its memory (a compactor has rewritten the page).
  void ForgetLab() { SetLab(nullptr, 0, 0); }
  void ResetFreeList() { free_list_.Reset(); }
  void AddFree(Address start, std::size_t size) { free_list_.Add(start, size); }
  // Releases pages to the cage in one pass over the page list.
  void ReleasePages(const std::vector<Page*>& pages);
  void SetSize(std::size_t bytes) { size_ = bytes; }
  // Gives a compactor a fresh empty page to bump-allocate into; it becomes an ordinary page.
  Page* AddPage();

 private:
  Address AllocateSlow(std::size_t size);
  void SetLab(Page* page, Address start, Address end);

  Cage& cage_;
  std::vector<Page*> pages_;  // in the order they were added
  FreeList free_list_;
  Page* lab_page_ = nullptr;
  Address lab_top_ = 0;
  Address lab_limit_ = 0;
  std::size_t size_ = 0;
};

}  // namespace heaplab
