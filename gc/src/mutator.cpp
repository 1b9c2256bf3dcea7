#include <heaplab/gc/mutator.h>

#include <heaplab/gc/oom.h>

namespace heaplab {

Address Mutator::Allocate(Id id, std::size_t size, std::uint64_t slots, Kind kind) {
  if (controller_.GcIntervalDue()) controller_.CollectForYoungAllocation();
  // V8 (IncrementalMarking::AdvanceOnAllocation): allocation pays for marking steps. Before the
  // allocation, so that a finishing pause never moves the object being returned.
  if (marking_.IsMarking()) [[unlikely]]
    controller_.AdvanceOnAllocation(size);
  if (heap_.sweeper().sweeping()) [[unlikely]]
    controller_.SweepOnAllocation(size);
  // An object the old generation could never hold is refused, so that the collections below
  // run and the heap then runs out of memory, as V8 does.
  const bool can_fit = size <= heap_.config().max_old_space_size;
  auto allocate = [&] {
    return can_fit ? heap_.Allocate(size, slots, kind, Generation::Young) : Address{0};
  };
  Address a = allocate();
  // V8 (HeapAllocator::AllocateRawWithRetryOrFailSlowPath): retry after each of two
  // collections, then after collecting all available garbage, then give up.
  for (int attempt = 0; a == 0 && attempt < 2; ++attempt) {
    controller_.CollectForYoungAllocation();
    a = allocate();
  }
  if (a == 0) {
    controller_.CollectAllAvailableGarbage();
    a = allocate();
  }
  if (a == 0) throw OutOfMemory(OutOfMemory::Kind::HeapLimit);
  heap_.ids().Add(id, a, heap_.InYoung(a));
  heap_.scopes().AddLocal(a);
  controller_.tracer().RecordAllocation(size);
  Clock& clock = controller_.clock();
  clock.Charge(Work::Allocation, 1);
  clock.Charge(Work::AllocatedByte, static_cast<double>(size));
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
