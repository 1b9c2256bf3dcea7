#include <heaplab/gc/mutator.h>

#include <heaplab/gc/oom.h>
#include <heaplab/gc/pretenuring.h>

namespace heaplab {

void Mutator::PayForAllocation(std::size_t size) {
  // V8 (IncrementalMarking::AdvanceOnAllocation): allocation pays for marking steps. Before the
  // allocation, so that a finishing pause never moves the object being returned.
  if (marking_.IsMarking()) [[unlikely]]
    controller_.AdvanceOnAllocation(size);
  if (heap_.sweeper().sweeping()) [[unlikely]]
    controller_.SweepOnAllocation(size);
}

void Mutator::Register(Id id, Address a, std::size_t size) {
  heap_.ids().Add(id, a, heap_.InYoung(a));
  heap_.scopes().AddLocal(a);
  controller_.tracer().RecordAllocation(size);
  Clock& clock = controller_.clock();
  clock.Charge(Work::Allocation, 1);
  clock.Charge(Work::AllocatedByte, static_cast<double>(size));
}

Address Mutator::Allocate(Id id, std::size_t size, std::uint64_t slots, Kind kind,
                          std::uint32_t site) {
  Pretenuring& pretenuring = controller_.pretenuring();
  // V8 (AllocationSite::CanTrack and the allocation stubs): regular-sized objects at a tracked
  // site carry a memento; a tenured site's objects are allocated in old space instead.
  // Optimized code keeps the decision but makes no memento (pretenuring.h).
  const bool at_site = site != kNoSite && pretenuring.enabled() && size <= kMaxRegularObjectSize;
  if (at_site && pretenuring.ShouldTenure(site)) [[unlikely]]
    return AllocateOld(id, size, slots, kind);
  const bool tracked = at_site && pretenuring.MakesMemento(site);
  if (controller_.GcIntervalDue()) controller_.CollectForYoungAllocation();
  const std::size_t bytes = tracked ? size + kMementoSize : size;
  PayForAllocation(bytes);
  // An object the old generation could never hold is refused, so that the collections below
  // run and the heap then runs out of memory, as V8 does.
  const bool can_fit = size <= heap_.config().max_old_space_size;
  auto allocate = [&] {
    if (!can_fit) return Address{0};
    if (!tracked) return heap_.Allocate(size, slots, kind, Generation::Young);
    return heap_.AllocateYoungWithMemento(size, slots, kind, site);
  };
  Address a = allocate();
  // V8 (HeapAllocator::AllocateRawWithRetryOrFailSlowPath): retry after each of two
  // collections, then after collecting all available garbage, then give up.
  for (int attempt = 0; a == 0 && attempt < kLightRetries; ++attempt) {
    controller_.CollectForYoungAllocation();
    a = allocate();
  }
  if (a == 0) {
    controller_.CollectAllAvailableGarbage();
    a = allocate();
  }
  if (a == 0) throw OutOfMemory(OutOfMemory::Kind::HeapLimit);
  if (tracked) pretenuring.MementoCreated(site);
  Register(id, a, bytes);
  return a;
}

// V8 (HeapAllocator::AllocateRaw for AllocationType::kOld, then its retry path): the old
// generation takes the object from its free list or a new page; when it may not grow, two full
// GCs run ("allocation failure", HeapAllocator::AllocateRawWithLightRetrySlowPath retries after
// each), and as a last resort all available garbage is collected
// (AllocateRawWithRetryOrFailSlowPath). Either way allocating may reach the old generation's
// limit and start marking.
Address Mutator::AllocateOld(Id id, std::size_t size, std::uint64_t slots, Kind kind) {
  if (controller_.GcIntervalDue()) controller_.CollectForYoungAllocation();
  PayForAllocation(size);
  const bool large = size > kMaxRegularObjectSize;
  auto allocate = [&]() -> Address {
    if (size > heap_.config().max_old_space_size) return 0;
    const bool from_free_list = !large && heap_.old_space().CanServeFromFreeList(size);
    const std::size_t grow = large ? size : kPageSize;
    if (!from_free_list && !controller_.CanExpandOldGeneration(grow)) return 0;
    return heap_.Allocate(size, slots, kind, Generation::Old);
  };
  Address a = allocate();
  for (int attempt = 0; a == 0 && attempt < kLightRetries; ++attempt) {
    controller_.Collect(Collector::MarkCompact, Reason::AllocationFailure,
                        "GC in old space requested");
    a = allocate();
  }
  if (a == 0) {
    controller_.CollectAllAvailableGarbage();
    a = allocate();
  }
  if (a == 0) throw OutOfMemory(OutOfMemory::Kind::HeapLimit);
  // While marking, an object allocated in old space is black (V8 allocates black), so the
  // finishing pause never frees it.
  if (marking_.IsMarking()) marking_.marker().MarkBlack(a);
  Register(id, a, size);
  controller_.AfterOldAllocation();
  return a;
}

void Mutator::RequestGc(Generation generation) {
  if (generation == Generation::Young) {
    controller_.Collect(Collector::Scavenge, Reason::Testing);
  } else {
    controller_.Collect(Collector::MarkCompact, Reason::Testing, "GC in old space requested");
  }
}

}  // namespace heaplab
