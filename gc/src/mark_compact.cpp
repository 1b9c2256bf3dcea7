#include "gc/mark_compact.h"

#include <algorithm>
#include <cstring>

#include "gc/oom.h"

namespace heaplab {

void MarkCompact::Mark() {
  {
    Tracer::Scope scope(tracer_, Phase::MarkRoots);
    marker_.Start();
  }
  Tracer::Scope scope(tracer_, Phase::MarkClosure);
  marker_.Drain();
}

void MarkCompact::ClearDeadIds() {
  Tracer::Scope scope(tracer_, Phase::Clear);
  heap_.ids().UpdateAll([this](Address a) { return IsMarked(a) ? a : Address{0}; },
                        [this](Address a) { return heap_.InYoung(a); });
}

// Sweeps old pages: runs of dead objects and holes become free-list blocks; pages with nothing
// live are released. Evacuation candidates are left alone: their live objects move away.
void MarkCompact::SweepOldSpace(const std::vector<Chunk*>& candidates) {
  Tracer::Scope scope(tracer_, Phase::Sweep);
  OldSpace& space = heap_.old_space();
  space.FreeLab();
  space.ResetFreeList();
  std::size_t live_total = 0;
  std::size_t visited = 0;
  const std::vector<Page*> pages = space.pages();
  for (Page* page : pages) {
    if (std::find(candidates.begin(), candidates.end(), page) != candidates.end()) {
      live_total += page->allocated_bytes;  // accounted until the page is released
      continue;
    }
    if (page->live_bytes == 0) {
      heap_.remembered_set().RemoveChunk(page);
      space.ReleasePage(page);
      continue;
    }
    std::size_t live = 0;
    Address free_start = 0;
    auto free = [&](Address start, Address end) {
      space.AddFree(start, end - start);
      heap_.remembered_set().RemoveRange(page, start, end);
    };
    for (Address a = page->start(); a < page->end();) {
      HeapObject obj(a);
      const std::size_t size = obj.size();
      ++visited;
      if (obj.kind() != Kind::Filler && IsMarked(a)) {
        if (free_start != 0) free(free_start, a);
        free_start = 0;
        live += size;
      } else if (free_start == 0) {
        free_start = a;
      }
      a += size;
    }
    if (free_start != 0) free(free_start, page->end());
    page->allocated_bytes = live;
    live_total += live;
  }
  space.SetSize(live_total);
  clock_.Charge(Work::SweptPage, static_cast<double>(pages.size()));
  clock_.Charge(Work::SweptObject, static_cast<double>(visited));
}

void MarkCompact::SweepLargeObjects() {
  Tracer::Scope scope(tracer_, Phase::Sweep);
  LargeObjectSpace& lo = heap_.lo_space();
  const std::vector<Chunk*> chunks = lo.chunks();
  for (Chunk* c : chunks) {
    if (!IsMarked(c->start())) {
      heap_.remembered_set().RemoveChunk(c);
      lo.Free(c);
    }
  }
}

Address MarkCompact::Promote(HeapObject obj) {
  const std::size_t size = obj.size();
  const Address target = heap_.AllocateForPromotion(size);
  if (target == 0) throw OutOfMemory(OutOfMemory::Kind::HeapLimit);
  std::memcpy(reinterpret_cast<void*>(target), reinterpret_cast<const void*>(obj.address()), size);
  obj.set_forwarding_address(target);
  marker_.MarkBlack(target);  // live: the slide compactor must see it
  clock_.Charge(Work::CopiedObject, 1);
  clock_.Charge(Work::CopiedByte, static_cast<double>(size));
  return target;
}

// A full GC empties new space: every live young object is promoted (V8 does the same).
void MarkCompact::EvacuateYoung() {
  Tracer::Scope scope(tracer_, Phase::Evacuate);
  GcEvent& e = tracer_.current();
  NewSpace& ns = heap_.new_space();
  for (Address a = ns.to_space().start(); a < ns.top();) {
    HeapObject obj(a);
    const std::size_t size = obj.size();
    if (IsMarked(a)) {
      promoted_.push_back(Promote(obj));
      e.promoted += size;
      ++e.objects_promoted;
    }
    a += size;
  }
  LargeObjectSpace& young = heap_.new_lo_space();
  const std::vector<Chunk*> chunks = young.chunks();
  for (Chunk* c : chunks) {
    if (IsMarked(c->start())) {
      e.promoted += c->size();
      ++e.objects_promoted;
      heap_.lo_space().TakeFrom(young, c);
      promoted_.push_back(c->start());
    } else {
      heap_.remembered_set().RemoveChunk(c);
      young.Free(c);
    }
  }
}

void MarkCompact::EvacuateCandidates(const std::vector<Chunk*>& candidates) {
  Tracer::Scope scope(tracer_, Phase::Evacuate);
  std::size_t objects = 0;
  for (Chunk* page : candidates) {
    // The mark bitmap lists the live objects; dead ones are never read.
    page->marks().ForEachSet([&](std::size_t i) {
      HeapObject obj(page->WordAddress(i));
      moved_bytes_ += obj.size();
      ++objects;
      promoted_.push_back(Promote(obj));
    });
  }
  evacuated_pages_ = candidates.size();
  clock_.Charge(Work::MovedObject, static_cast<double>(objects));
  clock_.Charge(Work::MovedByte, static_cast<double>(moved_bytes_));
}

Address MarkCompact::Forward(Address target) const {
  if (target == 0) return 0;
  const Chunk* c = heap_.ChunkOf(target);
  if ((c->Is(kYoung) && !c->Is(kLarge)) || c->Is(kEvacuationCandidate)) {
    target = HeapObject(target).forwarding_address();
    c = heap_.ChunkOf(target);
  }
  if (!slide_from_.empty() && c->owner() == SpaceId::OldSpace) {
    auto it = std::lower_bound(slide_from_.begin(), slide_from_.end(), target);
    target = slide_to_[static_cast<std::size_t>(it - slide_from_.begin())];
  }
  return target;
}

void MarkCompact::UpdatePointers() {
  Tracer::Scope scope(tracer_, Phase::UpdatePointers);
  std::size_t slots = 0;
  auto update = [&](HeapObject obj) {
    for (Address* slot = obj.slots_begin(); slot != obj.slots_end(); ++slot) {
      *slot = Forward(*slot);
    }
    slots += obj.slot_count();
  };
  heap_.IterateRoots([&](Address* slot) { *slot = Forward(*slot); });
  heap_.ids().UpdateAll([this](Address a) { return Forward(a); }, [](Address) { return false; });
  if (!slide_from_.empty()) {
    for (Address a : slide_from_)
      update(HeapObject(a));
    for (const Chunk* c : heap_.lo_space().chunks())
      update(HeapObject(c->start()));
  } else if (any_candidates_) {
    for (const Page* page : heap_.old_space().pages()) {
      if (page->Is(kEvacuationCandidate)) continue;
      for (Address a = page->start(); a < page->end();) {
        HeapObject obj(a);
        if (obj.kind() != Kind::Filler) update(obj);
        a += obj.size();
      }
    }
    for (const Chunk* c : heap_.lo_space().chunks())
      update(HeapObject(c->start()));
  } else {
    // Only young objects moved. The old objects that pointed at them are exactly the recorded
    // slots of the remembered set (its invariant; the sweeper dropped the slots of the dead),
    // and the promoted copies still hold their young references.
    heap_.remembered_set().Iterate([&](Address* slot) {
      *slot = Forward(*slot);
      ++slots;
      return RememberedSet::Keep::No;
    });
    for (Address a : promoted_)
      update(HeapObject(a));
  }
  clock_.Charge(Work::UpdatedSlot, static_cast<double>(slots));
}

// Lisp-2 over old space in address order: (1) forwarding addresses, (2) references,
// (3) moves. Destinations never pass their sources, so moving in address order never
// overwrites an object that has yet to move. An object never spans pages: when the next one
// does not fit in the rest of a page, it starts the next page and the rest stays free.
void MarkCompact::Slide() {
  OldSpace& space = heap_.old_space();
  space.FreeLab();  // the rest of the LAB becomes a filler, so pages parse end to end
  std::vector<Page*> pages = space.pages();
  std::sort(pages.begin(), pages.end(),
            [](const Page* a, const Page* b) { return a->start() < b->start(); });
  slide_from_.clear();
  slide_to_.clear();
  std::vector<std::size_t> page_bytes(pages.size(), 0);
  std::vector<Address> page_top(pages.size(), 0);
  {
    Tracer::Scope scope(tracer_, Phase::Evacuate);
    std::size_t dest = 0;
    Address cursor = pages.empty() ? 0 : pages[0]->start();
    for (Page* page : pages) {
      for (Address a = page->start(); a < page->end();) {
        HeapObject obj(a);
        const std::size_t size = obj.size();
        if (obj.kind() != Kind::Filler && IsMarked(a)) {
          if (size > pages[dest]->end() - cursor) {
            page_top[dest] = cursor;
            cursor = pages[++dest]->start();
          }
          slide_from_.push_back(a);
          slide_to_.push_back(cursor);
          page_bytes[dest] += size;
          cursor += size;
        }
        a += size;
      }
    }
    if (!pages.empty()) page_top[dest] = cursor;
  }
  UpdatePointers();
  Tracer::Scope scope(tracer_, Phase::Evacuate);
  for (std::size_t i = 0; i < slide_from_.size(); ++i) {
    if (slide_from_[i] == slide_to_[i]) continue;
    const std::size_t size = HeapObject(slide_from_[i]).size();
    std::memmove(reinterpret_cast<void*>(slide_to_[i]),
                 reinterpret_cast<const void*>(slide_from_[i]), size);
    moved_bytes_ += size;
  }
  clock_.Charge(Work::MovedObject, static_cast<double>(slide_from_.size()));
  clock_.Charge(Work::MovedByte, static_cast<double>(moved_bytes_));
  // Rebuild the pages: used ones end with a free block, the rest are released.
  space.ForgetLab();
  space.ResetFreeList();
  std::size_t live_total = 0;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    Page* page = pages[i];
    if (page_top[i] == 0) {
      heap_.remembered_set().RemoveChunk(page);
      page->allocated_bytes = 0;
      space.ReleasePage(page);
      continue;
    }
    page->allocated_bytes = page_bytes[i];
    live_total += page_bytes[i];
    space.AddFree(page_top[i], page->end() - page_top[i]);
  }
  space.SetSize(live_total);
  slide_from_.clear();
  slide_to_.clear();
}

void MarkCompact::Finish(const std::vector<Chunk*>& candidates) {
  for (Chunk* page : candidates) {
    heap_.remembered_set().RemoveChunk(page);
    heap_.old_space().ReleasePage(page);
  }
  // Every young object was promoted, so no old-to-new slot is left.
  heap_.remembered_set().Clear();
  NewSpace& ns = heap_.new_space();
  ns.Reset();
  if (zap_) Heap::Zap(ns.to_space().start(), ns.from_top() - ns.to_space().start());
  marker_.ClearMarks();
}

void MarkCompact::Run(const EvacuationPolicy& policy) {
  evacuated_pages_ = 0;
  moved_bytes_ = 0;
  promoted_.clear();
  heap_.old_space().FreeLab();
  Mark();
  ClearDeadIds();
  std::vector<Chunk*> candidates;
  if (compaction_ == Compaction::Evacuate) {
    candidates = SelectEvacuationCandidates(heap_.old_space().pages(), policy);
    for (Chunk* page : candidates)
      page->Set(kEvacuationCandidate);
  }
  any_candidates_ = !candidates.empty();
  SweepLargeObjects();
  if (compaction_ == Compaction::Slide) {
    EvacuateYoung();
    Slide();
  } else {
    SweepOldSpace(candidates);
    EvacuateYoung();
    EvacuateCandidates(candidates);
    UpdatePointers();
  }
  Finish(candidates);
}

}  // namespace heaplab
