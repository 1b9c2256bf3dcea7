// The Mutator: the program's side of the heap. Everything a running program does to memory
// goes through here: allocate (collecting when there is no room), store references (the write
// barrier runs), hold objects in handle scopes and global handles, compute for a while, ask for
// a collection. Addresses it returns are valid until the next allocation; hold objects across
// allocations through roots, or through their trace ids.
#pragma once

#include <heaplab/gc/controller.h>
#include <heaplab/heap/heap.h>

namespace heaplab {

class Mutator {
 public:
  // V8 (HeapAllocator::AllocateRawWithLightRetrySlowPath): a failed allocation, young or old,
  // is retried after each of two collections before the last resort.
  static constexpr int kLightRetries = 2;

  Mutator(Heap& heap, GcController& controller)
      : heap_(heap), controller_(controller), marking_(controller.incremental_marking()) {}

  // Allocates a young object of `size` bytes (header included) with `slots` null slots,
  // registers it under `id` in the weak id table and makes it a local of the innermost scope.
  // With a `site` (Pretenuring::SiteIndex) and pretenuring on, the object carries an
  // allocation memento in new space, or goes to old space when the site is tenured.
  Address Allocate(Id id, std::size_t size, std::uint64_t slots, Kind kind = Kind::Plain,
                   std::uint32_t site = kNoSite);
  // The same, allocated directly in old space (as V8's runtime allocates some tables, and as
  // code allocates at a tenured site). Old-space allocation pays for marking like young
  // allocation does; when the old generation cannot hold it a full GC runs first.
  Address AllocateOld(Id id, std::size_t size, std::uint64_t slots, Kind kind = Kind::Plain);

  // host.slot[i] = value, with the write barrier: an old-to-new store is remembered, and
  // while incremental marking is on the stored object is greyed (the insertion barrier). When
  // marking is off the marking part costs one well-predicted branch.
  void Write(Address host, std::uint64_t i, Address value) {
    Address* slot = HeapObject(host).slot(i);
    *slot = value;
    if (value != 0 && heap_.InYoung(value) && !heap_.InYoung(host)) {
      heap_.remembered_set().Insert(reinterpret_cast<Address>(slot));
    }
    if (marking_.IsMarking()) [[unlikely]]
      marking_.RecordWrite(host, value);
    controller_.clock().Charge(Work::Store, 1);
  }

  void AddLocal(Address object) {
    heap_.scopes().AddLocal(object);
    controller_.clock().Charge(Work::Store, 1);
  }
  void OpenScope() { heap_.scopes().Open(); }
  bool CloseScope() { return heap_.scopes().Close(); }
  GlobalHandle NewGlobal(Address object) { return heap_.globals().Create(object); }
  void DropGlobal(GlobalHandle handle) { heap_.globals().Destroy(handle); }

  // The program computes for `micros` microseconds without allocating.
  void Compute(double micros) { controller_.clock().Idle(micros / 1000.0); }
  // The program returns to its event loop and waits `micros` microseconds: V8's tasks run.
  void Idle(double micros) { controller_.OnIdle(micros / 1000.0); }
  // An explicit collection, as gc() under --expose-gc.
  void RequestGc(Generation generation);

  Heap& heap() { return heap_; }
  GcController& controller() { return controller_; }

 private:
  // Marking and sweeping steps the allocation pays for, before it happens.
  void PayForAllocation(std::size_t size);
  void Register(Id id, Address a, std::size_t size);

  Heap& heap_;
  GcController& controller_;
  IncrementalMarking& marking_;
};

}  // namespace heaplab
