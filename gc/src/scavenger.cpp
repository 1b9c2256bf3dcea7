#include <heaplab/gc/scavenger.h>

#include <cstring>

#include <heaplab/gc/oom.h>

namespace heaplab {

bool Scavenger::StaysYoung(Address a) const {
  const Chunk* c = heap_.ChunkOf(a);
  return c != nullptr && c->Is(kYoung) && !c->Is(kFromSpace) && !c->Is(kLarge);
}

// V8 11.3 (EvacuationAllocator::AllocateInNewSpace, LocalAllocator::kLabSize and
// kMaxLabObjectSize).
constexpr std::size_t kCopyBufferSize = 32 * KB;
constexpr std::size_t kMaxCopyBufferObjectSize = 8 * KB;

// The bump in the open copy buffer, inlined into Evacuate; the rest is the slow path.
[[gnu::always_inline]] inline Address Scavenger::AllocateInToSpace(std::size_t size) {
  if (size > kMaxCopyBufferObjectSize || size > buffer_limit_ - buffer_top_) [[unlikely]]
    return AllocateInToSpaceSlow(size);
  const Address a = buffer_top_;
  buffer_top_ += size;
  return a;
}

template <bool kSteps>
Address Scavenger::Evacuate(Address object) {
  Chunk* chunk = heap_.ChunkOf(object);
  if (chunk->Is(kLarge)) {
    // A young large object is never copied: mark it as surviving and scan it as promoted.
    if (!chunk->Is(kSurvived)) {
      chunk->Set(kSurvived);
      promoted_.push_back(object);
    }
    return object;
  }
  HeapObject obj(object);
  if (obj.is_forwarded()) return obj.forwarding_address();

  GcEvent& e = tracer_.current();
  NewSpace& ns = heap_.new_space();
  const Header header = obj.header();
  const std::size_t size = header.size();
  Address target = 0;
  bool promoted = policy_.ShouldPromote(object, ns);
  if (!promoted) {
    target = AllocateInToSpace(size);
    promoted = target == 0;  // to-space is full: promote instead
  }
  if (promoted) {
    target = heap_.AllocateForPromotion(size);
    if (target == 0) {  // old space cannot grow: keep it young
      target = ns.Allocate(size);
      if (target != 0) direct_.push_back(target);
    }
    // Neither: the cage is exhausted, far past the heap limit, and to-space is full too.
    if (target == 0) throw OutOfMemory(OutOfMemory::Kind::HeapLimit);
    promoted = !StaysYoung(target);
  }
  std::memcpy(reinterpret_cast<void*>(target), reinterpret_cast<const void*>(object), size);
  obj.set_forwarding_address(target);
  // V8 (PretenuringHandler::UpdateAllocationSite): a memento right behind a tracked object.
  if (pretenuring_ != nullptr && header.tracked()) {
    const Address behind = object + size;
    if (behind < ns.from_top() && IsMemento(behind))
      pretenuring_->MementoFound(MementoSite(behind));
  }
  // The copy, promoted or not, keeps its original's colour (a grey original's worklist entry
  // is followed to the copy afterwards).
  if (marking_ != nullptr && marking_->IsMarked(object)) [[unlikely]]
    marking_->TransferMark(target);
  if (promoted) {
    e.promoted += size;
    ++e.objects_promoted;
    promoted_.push_back(target);
  } else {
    e.semi_space_copied += size;
    ++e.objects_copied;
  }
  if constexpr (kSteps) {
    steps_->OnObjectStep({promoted ? ObjectStepKind::Promoted : ObjectStepKind::Copied, false,
                          object, target, size});
  }
  clock_.Charge(Work::CopiedObject, 1);
  clock_.Charge(Work::CopiedByte, static_cast<double>(size));
  return target;
}

// Objects over kMaxCopyBufferObjectSize, and any object when the open buffer has no room left.
Address Scavenger::AllocateInToSpaceSlow(std::size_t size) {
  if (size > kMaxCopyBufferObjectSize) {
    const Address a = heap_.new_space().Allocate(size);
    if (a != 0) direct_.push_back(a);
    return a;
  }
  return RefillBuffer(size);
}

// V8 (EvacuationAllocator::NewLocalAllocationBuffer): a new buffer from to-space, merged with
// the open one when it starts where that one ends (LocalAllocationBuffer::TryMerge), else the
// open one's rest becomes a filler (CloseAndMakeIterable).
Address Scavenger::RefillBuffer(std::size_t size) {
  if (buffer_refill_fails_) return 0;
  const Address start = heap_.new_space().Allocate(kCopyBufferSize);
  if (start == 0) {
    buffer_refill_fails_ = true;
    return 0;
  }
  if (buffers_.empty() || start != buffer_limit_) {
    if (!buffers_.empty()) {
      WriteFiller(buffer_top_, buffer_limit_ - buffer_top_);
      buffers_.back().top = buffer_top_;
    }
    buffers_.push_back({start, start});
    buffer_top_ = start;
    run_opened_ = true;
  }
  buffer_limit_ = start + kCopyBufferSize;
  const Address a = buffer_top_;
  buffer_top_ += size;
  return a;
}

// V8 (EvacuationAllocator::Finalize): the open buffer's rest goes back to to-space when the
// buffer ends at to-space's top, else it becomes a filler.
void Scavenger::FinishBuffer() {
  if (buffers_.empty()) return;
  NewSpace& ns = heap_.new_space();
  if (buffer_limit_ == ns.top()) {
    ns.GiveBack(buffer_top_);
  } else {
    WriteFiller(buffer_top_, buffer_limit_ - buffer_top_);
  }
  buffers_.clear();
  buffer_top_ = buffer_limit_ = 0;
  buffer_refill_fails_ = false;
}

template <bool kSteps>
void Scavenger::ScanSlots(HeapObject host, bool host_becomes_old) {
  if constexpr (kSteps) {
    steps_->OnObjectStep(
        {ObjectStepKind::Scanned, false, host.address(), host.address(), host.size()});
  }
  RememberedSet& rs = heap_.remembered_set();
  for (Address* slot = host.slots_begin(); slot != host.slots_end(); ++slot) {
    const Address target = *slot;
    ++slots_scanned_;
    if (target == 0 || !heap_.InYoung(target)) continue;
    const Address now = Evacuate<kSteps>(target);
    *slot = now;
    if (host_becomes_old && StaysYoung(now)) rs.Insert(reinterpret_cast<Address>(slot));
  }
}

template <bool kSteps>
void Scavenger::ScanUntilDone() {
  std::size_t run = 0;  // the buffer run the scan pointer is in
  Address scan = 0;     // 0: at the start of `run`
  for (;;) {
    // Cheney: the scan pointer chases the copy pointer, run after run.
    while (run < buffers_.size()) {
      if (scan == 0) scan = buffers_[run].start;
      if (run + 1 < buffers_.size()) {  // a closed run: its end no longer moves
        const Address end = buffers_[run].top;
        while (scan < end) {
          HeapObject obj(scan);
          ScanSlots<kSteps>(obj, false);
          scan += obj.size();
        }
        ++run;
        scan = 0;
        continue;
      }
      // The open run grows with every copy, until a copy opens a new run and closes it.
      run_opened_ = false;
      while (scan < buffer_top_ && !run_opened_) {
        HeapObject obj(scan);
        ScanSlots<kSteps>(obj, false);
        scan += obj.size();
      }
      if (!run_opened_) break;  // the scan caught up with the copy pointer
    }
    if (promoted_.empty() && direct_.empty()) break;
    while (!direct_.empty()) {
      const Address a = direct_.back();
      direct_.pop_back();
      ScanSlots<kSteps>(HeapObject(a), false);
    }
    while (!promoted_.empty()) {
      const Address a = promoted_.back();
      promoted_.pop_back();
      ScanSlots<kSteps>(HeapObject(a), true);
    }
  }
}

Address Scavenger::AfterScavenge(Address a) const {
  const Chunk* c = heap_.ChunkOf(a);
  if (c->Is(kLarge)) return c->Is(kSurvived) ? a : 0;
  const HeapObject obj(a);
  return obj.is_forwarded() ? obj.forwarding_address() : 0;
}

void Scavenger::UpdateIds() {
  const BookkeepingScope bookkeeping(clock_);
  heap_.ids().UpdateYoung([this](Address a) { return AfterScavenge(a); },
                          [this](Address a) { return StaysYoung(a); });
}

// V8 (ArrayBufferSweeper::RequestSweep for a young collection): only the young list is walked;
// dead wrappers' stores are released, survivors move to the old list when promoted.
void Scavenger::SweepArrayBuffers() {
  heap_.external().SweepYoung([this](Address a) { return AfterScavenge(a); },
                              [this](Address a) { return StaysYoung(a); });
}

void Scavenger::FinishLargeObjects() {
  GcEvent& e = tracer_.current();
  LargeObjectSpace& young = heap_.new_lo_space();
  std::vector<Chunk*> dead;
  const std::vector<Chunk*> chunks = young.chunks();
  for (Chunk* c : chunks) {
    if (c->Is(kSurvived)) {
      c->Clear(kSurvived);
      e.promoted += c->size();
      ++e.objects_promoted;
      heap_.lo_space().TakeFrom(young, c);
      ReportStep(steps_, PromotedWhole(c->start()));
    } else {
      dead.push_back(c);
    }
  }
  heap_.FreeLargeChunks(young, dead);
}

// V8 (IncrementalMarking::UpdateMarkingWorklistAfterScavenge): grey young objects that moved
// are followed to their copies; those that died leave the worklist.
void Scavenger::UpdateMarkingWorklist() {
  marking_->UpdateWorklist([this](Address a) -> Address {
    const Chunk* c = heap_.ChunkOf(a);
    if (c->Is(kFromSpace)) {
      const HeapObject obj(a);
      return obj.is_forwarded() ? obj.forwarding_address() : 0;
    }
    if (c->Is(kLarge) && c->Is(kYoung)) return c->Is(kSurvived) ? a : 0;
    return a;
  });
}

template <bool kSteps>
void Scavenger::EvacuateRoots() {
  std::size_t roots = 0;
  heap_.IterateRoots([&](Address* slot) {
    ++roots;
    if (heap_.InYoung(*slot)) *slot = Evacuate<kSteps>(*slot);
  });
  heap_.remembered_set().Iterate([&](Address* slot) {
    ++roots;
    const Address target = *slot;
    if (target == 0 || !heap_.InYoung(target)) return RememberedSet::Keep::No;
    const Address now = Evacuate<kSteps>(target);
    *slot = now;
    return StaysYoung(now) ? RememberedSet::Keep::Yes : RememberedSet::Keep::No;
  });
  clock_.Charge(Work::RootSlot, static_cast<double>(roots));
}

void Scavenger::Run() {
  NewSpace& ns = heap_.new_space();
  slots_scanned_ = 0;
  steps_ = tracer_.step_observer();
  ns.Flip();
  // To-space's mark bits describe objects that died in an earlier Scavenge.
  if (marking_ != nullptr) Marker::ClearMarks(ns.to_space().chunk());
  {
    Tracer::Scope scope(tracer_, Phase::ScavengeRoots);
    if (steps_ != nullptr) [[unlikely]] {
      EvacuateRoots<true>();
    } else {
      EvacuateRoots<false>();
    }
  }
  {
    Tracer::Scope scope(tracer_, Phase::ScavengeParallel);
    if (steps_ != nullptr) [[unlikely]] {
      ScanUntilDone<true>();
    } else {
      ScanUntilDone<false>();
    }
    FinishBuffer();
    clock_.Charge(Work::ScannedSlot, static_cast<double>(slots_scanned_));
  }
  {
    Tracer::Scope scope(tracer_, Phase::ScavengeWeak);
    UpdateIds();
  }
  if (marking_ != nullptr) UpdateMarkingWorklist();
  {
    Tracer::Scope scope(tracer_, Phase::ScavengeSweepArrayBuffers);
    SweepArrayBuffers();
  }
  {
    Tracer::Scope scope(tracer_, Phase::ScavengeSweepLarge);
    FinishLargeObjects();
  }
  if (marking_ != nullptr) Marker::ClearMarks(ns.from_space().chunk());
  ns.SetAgeMarkToTop();
  if (zap_) heap_.ZapFromSpace();
}

}  // namespace heaplab
