#include <heaplab/gc/mark_compact.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include <heaplab/gc/oom.h>

namespace heaplab {

void MarkCompact::Mark() {
  if (incremental_) {
    // The finishing pause: the barrier kept the tri-colour invariant for heap slots; roots
    // are re-scanned because stores into them have no barrier.
    Tracer::Scope scope(tracer_, Phase::MarkFinishIncremental);
    marker_.ShadeRoots();
    marker_.Drain();
    return;
  }
  {
    Tracer::Scope scope(tracer_, Phase::MarkRoots);
    marker_.Start();
  }
  Tracer::Scope scope(tracer_, Phase::MarkClosure);
  marker_.Drain();
}

void MarkCompact::ClearDeadIds() {
  Tracer::Scope scope(tracer_, Phase::Clear);
  const BookkeepingScope bookkeeping(clock_);
  heap_.ids().UpdateAll([this](Address a) { return IsMarked(a) ? a : Address{0}; },
                        [this](Address a) { return heap_.InYoung(a); });
}

// V8 (ArrayBufferSweeper::RequestSweep for a full GC): both lists, never old space; the
// stores of unmarked wrappers are released. Survivors' addresses are updated with the ids.
void MarkCompact::SweepArrayBuffers() {
  Tracer::Scope scope(tracer_, Phase::CompleteSweepArrayBuffers);
  heap_.external().SweepAll([this](Address a) { return IsMarked(a) ? a : Address{0}; },
                            [this](Address a) { return heap_.InYoung(a); });
}

// Old pages: those with nothing live are released; the others are swept now (their runs of
// dead objects and holes become free-list blocks, their recorded slots forgotten) or, with
// lazy sweeping, accounted at their live bytes and left to the sweeper. Evacuation candidates
// are left alone: their live objects move away and the page goes (its bytes stay counted
// until it is released).
void MarkCompact::SweepOldSpace() {
  Tracer::Scope scope(tracer_, Phase::Sweep);
  OldSpace& space = heap_.old_space();
  Sweeper& sweeper = heap_.sweeper();
  space.StartSweeping();
  const std::size_t pages = space.pages().size();
  std::vector<Page*> empty;
  for (Page* page : space.pages()) {
    if (page->Is(kEvacuationCandidate)) continue;
    if (page->live_bytes() == 0) {
      empty.push_back(page);
    } else if (lazy_sweeping_) {
      sweeper.Schedule(*page);
    } else {
      sweeper.SweepPage(*page);
    }
  }
  const Sweeper::Work work = sweeper.TakeWork();
  clock_.Charge(Work::SweptPage, static_cast<double>(lazy_sweeping_ ? work.pages : pages));
  clock_.Charge(Work::SweptObject, static_cast<double>(work.objects));
  for (const Page* page : empty)
    ReportFreed(page->start(), page->end() - page->start());
  heap_.ReleasePages(empty);
}

// V8 (Heap::CompleteSweepingFull): a full GC starts with every page swept, so that marking
// finds no mark bit of the last cycle.
void MarkCompact::CompleteSweeping() {
  Sweeper& sweeper = heap_.sweeper();
  if (!sweeper.sweeping()) return;
  Tracer::Scope scope(tracer_, Phase::Sweep);
  sweeper.EnsureCompleted();
  ChargeSweeping();
}

void MarkCompact::ChargeSweeping() {
  const Sweeper::Work work = heap_.sweeper().TakeWork();
  clock_.Charge(Work::SweptPage, static_cast<double>(work.pages));
  clock_.Charge(Work::SweptObject, static_cast<double>(work.objects));
}

void MarkCompact::SweepLargeObjects() {
  Tracer::Scope scope(tracer_, Phase::Sweep);
  std::vector<Chunk*> dead;
  for (Chunk* c : heap_.lo_space().chunks())
    if (!IsMarked(c->start())) dead.push_back(c);
  for (const Chunk* c : dead)
    ReportFreed(c->start(), HeapObject(c->start()).size());
  heap_.FreeLargeChunks(heap_.lo_space(), dead);
}

Address MarkCompact::MoveToOldSpace(HeapObject obj) {
  const std::size_t size = obj.size();
  const Address target = heap_.AllocateForPromotion(size);
  // Only when the cage itself is exhausted, far past the heap limit: the process is dying.
  if (target == 0) throw OutOfMemory(OutOfMemory::Kind::HeapLimit);
  std::memcpy(reinterpret_cast<void*>(target), reinterpret_cast<const void*>(obj.address()), size);
  obj.set_forwarding_address(target);
  marker_.MarkBlack(target);  // live: the slide compactor must see it
  moved_->push_back(target);
  return target;
}

// A full GC empties new space: every live young object is promoted (V8 does the same).
void MarkCompact::EvacuateYoung() {
  Tracer::Scope scope(tracer_, Phase::Evacuate);
  GcEvent& e = tracer_.current();
  NewSpace& ns = heap_.new_space();
  young_used_ = ns.Size();
  std::size_t copied = 0;
  const Address top = ns.top();
  const Address start = ns.to_space().start();
  // Per page, its live bytes; and the mementos behind live objects (page, site), in address
  // order, counted once the pages V8 would promote whole are known (set_pretenuring).
  const std::size_t pages = (top - start) / kPageSize + 1;
  std::vector<std::size_t> live(pretenuring_ != nullptr ? pages : 0, 0);
  std::vector<std::pair<std::size_t, std::uint32_t>> mementos;
  ForEachObject(start, top, [&](HeapObject obj) {
    if (!IsMarked(obj.address())) return;
    if (pretenuring_ != nullptr) {
      const std::size_t page = (obj.address() - start) / kPageSize;
      live[page] += obj.size();
      const Address behind = obj.address() + obj.size();
      if (obj.tracked() && behind < top && IsMemento(behind))
        mementos.emplace_back(page, MementoSite(behind));
    }
    copied += obj.size();
    ++e.objects_promoted;
    const Address to = MoveToOldSpace(obj);
    ReportStep(steps_, {ObjectStepKind::Promoted, false, obj.address(), to, obj.size()});
  });
  // V8 (PretenuringHandler::UpdateAllocationSite, from the full GC's evacuation of the
  // new-space objects it moves one by one; none on a page promoted whole).
  std::vector<bool> whole(live.size(), false);
  std::size_t room = old_room_;
  for (std::size_t page = 0; page < live.size(); ++page) {
    if (page_promotion_ && live[page] * 100 > kPagePromotionPercent * kNewSpacePageArea &&
        live[page] <= room) {
      whole[page] = true;
      room -= std::min(room, kNewSpacePageArea);
    }
  }
  for (const auto& [page, site] : mementos)
    if (!whole[page]) pretenuring_->MementoFound(site);
  e.promoted += copied;
  clock_.Charge(Work::CopiedObject, static_cast<double>(e.objects_promoted));
  clock_.Charge(Work::CopiedByte, static_cast<double>(copied));
  LargeObjectSpace& young = heap_.new_lo_space();
  std::vector<Chunk*> dead;
  const std::vector<Chunk*> chunks = young.chunks();
  for (Chunk* c : chunks) {
    if (IsMarked(c->start())) {
      e.promoted += c->size();
      ++e.objects_promoted;
      heap_.lo_space().TakeFrom(young, c);
      moved_->push_back(c->start());
      ReportStep(steps_, PromotedWhole(c->start()));
    } else {
      dead.push_back(c);
    }
  }
  for (const Chunk* c : dead)
    ReportFreed(c->start(), HeapObject(c->start()).size());
  heap_.FreeLargeChunks(young, dead);
}

void MarkCompact::EvacuateCandidates(const std::vector<Chunk*>& candidates) {
  Tracer::Scope scope(tracer_, Phase::Evacuate);
  std::size_t objects = 0;
  for (Chunk* page : candidates) {
    // The mark bitmap lists the live objects; dead ones are never read.
    page->marks().ForEachSet([&](std::size_t i) {
      const HeapObject obj(page->WordAddress(i));
      moved_bytes_ += obj.size();
      ++objects;
      const Address to = MoveToOldSpace(obj);
      ReportStep(steps_, {ObjectStepKind::Moved, false, obj.address(), to, obj.size()});
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

void MarkCompact::UpdatePointers(bool candidates) {
  Tracer::Scope scope(tracer_, Phase::UpdatePointers);
  std::size_t slots = 0;
  auto update = [&](HeapObject obj) {
    for (Address* slot = obj.slots_begin(); slot != obj.slots_end(); ++slot) {
      *slot = Forward(*slot);
    }
    slots += obj.slot_count();
  };
  heap_.IterateRoots([&](Address* slot) { *slot = Forward(*slot); });
  // Ids follow their objects. When only young objects moved, only young ids can have (the
  // dead were freed by ClearDeadIds), so the old part of the table is not walked again.
  {
    const BookkeepingScope bookkeeping(clock_);
    if (candidates || !slide_from_.empty()) {
      heap_.ids().UpdateAll([this](Address a) { return Forward(a); },
                            [](Address) { return false; });
    } else {
      heap_.ids().UpdateYoung([this](Address a) { return Forward(a); },
                              [](Address) { return false; });
    }
  }
  heap_.external().SweepAll([this](Address a) { return Forward(a); },
                            [](Address) { return false; });
  if (!slide_from_.empty()) {
    for (Address a : slide_from_)
      update(HeapObject(a));
    for (const Chunk* c : heap_.lo_space().chunks())
      update(HeapObject(c->start()));
  } else if (candidates) {
    for (const Page* page : heap_.old_space().pages()) {
      if (page->Is(kEvacuationCandidate)) continue;
      // A page left to the lazy sweeper still holds its dead objects, whose slots may name
      // anything: only marked objects are updated there.
      const bool unswept = page->Is(kSweepingPending);
      ForEachObject(page->start(), page->end(), [&](HeapObject obj) {
        if (obj.kind() != Kind::Filler && (!unswept || IsMarked(obj.address()))) update(obj);
      });
    }
    for (const Chunk* c : heap_.lo_space().chunks())
      update(HeapObject(c->start()));
  } else {
    // Only young objects moved. The old objects that pointed at them are among the recorded
    // slots of the remembered set (its invariant), and the moved copies still hold their young
    // references. A swept dead object's slots were forgotten with it; an unswept one's (lazy
    // sweeping) may still name a dead young object, which has no forwarding address: only
    // slots naming a live young object are updated.
    heap_.remembered_set().Iterate([&](Address* slot) {
      const Address target = *slot;
      if (heap_.InYoung(target) && IsMarked(target)) *slot = Forward(target);
      ++slots;
      return RememberedSet::Keep::No;
    });
    for (Address a : *moved_)
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
  std::vector<Address> page_top(pages.size(), 0);  // 0: the page receives nothing
  {
    Tracer::Scope scope(tracer_, Phase::Evacuate);
    std::size_t dest = 0;
    Address cursor = pages.empty() ? 0 : pages[0]->start();
    for (Page* page : pages) {
      ForEachObject(page->start(), page->end(), [&](HeapObject obj) {
        if (obj.kind() == Kind::Filler || !IsMarked(obj.address())) return;
        const std::size_t size = obj.size();
        if (size > pages[dest]->end() - cursor) {
          page_top[dest] = cursor;
          cursor = pages[++dest]->start();
        }
        slide_from_.push_back(obj.address());
        slide_to_.push_back(cursor);
        page_bytes[dest] += size;
        cursor += size;
      });
    }
    if (!slide_from_.empty()) page_top[dest] = cursor;
  }
  UpdatePointers(false);
  Tracer::Scope scope(tracer_, Phase::Evacuate);
  for (std::size_t i = 0; i < slide_from_.size(); ++i) {
    if (slide_from_[i] == slide_to_[i]) continue;
    const std::size_t size = HeapObject(slide_from_[i]).size();
    ReportStep(steps_, {ObjectStepKind::Moved, false, slide_from_[i], slide_to_[i], size});
    std::memmove(reinterpret_cast<void*>(slide_to_[i]),
                 reinterpret_cast<const void*>(slide_from_[i]), size);
    moved_bytes_ += size;
  }
  clock_.Charge(Work::MovedObject, static_cast<double>(slide_from_.size()));
  clock_.Charge(Work::MovedByte, static_cast<double>(moved_bytes_));
  // Rebuild the pages: used ones end with a free block, the rest are released. (The LAB was
  // given up above, so StartSweeping only forgets the free list, writing nothing.)
  space.StartSweeping();
  std::vector<Page*> unused;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    Page* page = pages[i];
    if (page_top[i] == 0) {
      unused.push_back(page);
      ReportFreed(page->start(), page->end() - page->start());
      continue;
    }
    space.AccountSweptPage(*page, page_bytes[i]);
    if (page->end() > page_top[i]) ReportFreed(page_top[i], page->end() - page_top[i]);
    space.AddFree(page_top[i], page->end() - page_top[i]);
  }
  heap_.ReleasePages(unused);
  slide_from_.clear();
  slide_to_.clear();
}

void MarkCompact::Finish(const std::vector<Chunk*>& candidates) {
  for (const Chunk* page : candidates)
    ReportFreed(page->start(), page->end() - page->start());
  heap_.ReleasePages(candidates);
  // Every young object was promoted, so no old-to-new slot is left.
  heap_.remembered_set().Clear();
  NewSpace& ns = heap_.new_space();
  ns.Reset();
  if (zap_) Heap::Zap(ns.to_space().start(), young_used_);
  marker_.ClearMarks();
}

void MarkCompact::Run(const EvacuationPolicy& policy) {
  steps_ = tracer_.step_observer();
  marker_.set_step_observer(steps_);
  evacuated_pages_ = 0;
  moved_bytes_ = 0;
  moved_->clear();
  CompleteSweeping();
  heap_.sweeper().set_in_full_gc(true);  // until Finish clears the mark bits
  heap_.old_space().FreeLab();
  Mark();
  ClearDeadIds();
  SweepArrayBuffers();
  std::vector<Chunk*> candidates;
  if (compaction_ == Compaction::Evacuate) {
    candidates = SelectEvacuationCandidates(heap_.old_space().pages(), policy);
    for (Chunk* page : candidates)
      page->Set(kEvacuationCandidate);
  }
  SweepLargeObjects();
  if (compaction_ == Compaction::Slide) {
    // The slide compactor rebuilds every page itself: nothing is left to sweep.
    EvacuateYoung();
    Slide();
  } else {
    SweepOldSpace();
    EvacuateYoung();
    EvacuateCandidates(candidates);
    UpdatePointers(!candidates.empty());
  }
  ChargeSweeping();  // pages swept on demand by the promotions above
  heap_.sweeper().set_in_full_gc(false);
  Finish(candidates);
  // Pages incremental marking prepared and the promotions above did not need.
  heap_.old_space().ReleasePrepared();
  heap_.external().ResetAfterFullGc();
}

}  // namespace heaplab
