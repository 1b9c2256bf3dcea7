#include <heaplab/heap/sweeper.h>

#include <heaplab/heap/old_space.h>
#include <heaplab/heap/remembered_set.h>

namespace heaplab {

void Sweeper::SweepPage(Page& page) {
  const ChunkBitmap& marks = page.marks();
  auto marked = [&](Address a) { return marks.allocated() && marks.Get(page.WordIndex(a)); };
  std::size_t live = 0;
  std::size_t objects = 0;
  Address free_start = 0;
  FreeBlockListener* const listener = listener_;
  auto free = [&](Address start, Address end) {
    if (listener != nullptr) [[unlikely]]
      listener->OnFreeBlock(start, end - start);
    space_.AddFree(start, end - start);
    // A dead object's recorded slots must go with it: the block's link word lies where its
    // first slot was, and a collector updating that slot would break the free list.
    remembered_set_.RemoveRange(&page, start, end);
    work_.freed += end - start;
  };
  ForEachObject(page.start(), page.end(), [&](HeapObject obj) {
    ++objects;
    if (obj.kind() != Kind::Filler && marked(obj.address())) {
      if (free_start != 0) free(free_start, obj.address());
      free_start = 0;
      live += obj.size();
    } else if (free_start == 0) {
      free_start = obj.address();
    }
  });
  if (free_start != 0) free(free_start, page.end());
  space_.AccountSweptPage(page, live);
  if (!in_full_gc_) {
    if (page.marks().allocated()) page.marks().ClearAll();
    page.ResetLiveBytes();
  }
  page.Clear(kSweepingPending);
  ++work_.pages;
  work_.objects += objects;
}

void Sweeper::Schedule(Page& page) {
  space_.AccountSweptPage(page, page.live_bytes());
  page.Set(kSweepingPending);
  pending_.push_back(&page);
}

bool Sweeper::SweepNext() {
  if (pending_.empty()) return false;
  Page* page = pending_.front();
  pending_.pop_front();
  SweepPage(*page);
  return true;
}

// V8 (PagedSpace::RawRefillLabMain, kMaxPagesToSweep): one page at most, then old space grows
// rather than sweeping a dense heap page by page inside a pause.
bool Sweeper::SweepForAllocation(std::size_t size) {
  if (!space_.CanServeFromFreeList(size) && SweepNext()) ++pages_swept_on_demand_;
  return space_.CanServeFromFreeList(size);
}

void Sweeper::EnsureCompleted() {
  while (SweepNext()) {
  }
}

}  // namespace heaplab
