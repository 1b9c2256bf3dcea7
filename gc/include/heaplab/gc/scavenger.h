// The Scavenger: V8's young-generation collector, a Cheney (1970) semispace copy.
//
//   prepare   flip the semispaces: from-space holds the objects, to-space is empty
//   copy      evacuate what roots and remembered slots reach: copy to to-space, or promote
//             to old space (PromotionPolicy); leave a forwarding word in the old copy.
//             Copies go through V8's local allocation buffers (EvacuationAllocator, 11.3):
//             32 KiB carved from to-space, never straddling a page, merged with the previous
//             one when adjacent; a buffer's unused end becomes a filler when the next one is
//             not adjacent, and the last one's is given back to to-space. Objects over 8 KiB
//             are allocated from to-space directly. When no buffer can be carved any more,
//             objects that do not fit the current one are promoted.
//   scan      Cheney's scan pointer chases the copy pointer through the buffers in the order
//             they were carved; promoted objects and direct copies wait on worklists and are
//             scanned the same way, recording the slots that still point into new space in
//             the remembered set
//   weak      update or free the young entries of the id table
//   buffers   walk the young list of objects with external backing stores: release the dead
//             ones' stores, move promoted ones to the old list
//   finish    promote surviving young large objects whole, free the dead ones, set the
//             age mark to the new top
//
// While incremental marking is under way (a Marker is given), a Scavenge keeps the marking
// consistent: a copy, promoted or not, gets its original's colour (the invariant held for the
// original, so it holds for the copy), grey objects in the worklist are updated to their new
// addresses or dropped when they died, and the semispace marks that no longer describe objects
// are cleared.
//
// With an object-step observer on the tracer (object_step.h), each copy, promotion and scanned
// object is reported as it happens; the per-object code is compiled twice (kSteps), and a
// Scavenge without an observer runs the version that reports nothing.
//
// Work grows with roots, remembered slots and survivors; old space is never walked.
#pragma once

#include <vector>

#include <heaplab/gc/clock.h>
#include <heaplab/gc/marker.h>
#include <heaplab/gc/pretenuring.h>
#include <heaplab/gc/promotion.h>
#include <heaplab/gc/tracer.h>
#include <heaplab/heap/heap.h>

namespace heaplab {

class Scavenger {
 public:
  // `marking`: the incremental marker while marking is under way, else null.
  Scavenger(Heap& heap, Clock& clock, Tracer& tracer, PromotionPolicy policy, bool zap,
            Marker* marking = nullptr)
      : heap_(heap),
        clock_(clock),
        tracer_(tracer),
        policy_(policy),
        zap_(zap),
        marking_(marking) {}

  // Pretenuring feedback: a memento found behind a surviving object counts for its site.
  void set_pretenuring(Pretenuring* pretenuring) { pretenuring_ = pretenuring; }

  // One Scavenge; fills the tracer's current event with what it did.
  void Run();

 private:
  template <bool kSteps>
  void EvacuateRoots();
  template <bool kSteps>
  Address Evacuate(Address object);             // a young object's address after the Scavenge
  Address AllocateInToSpace(std::size_t size);  // 0 when to-space has no room for it
  Address AllocateInToSpaceSlow(std::size_t size);
  Address RefillBuffer(std::size_t size);
  void FinishBuffer();
  template <bool kSteps>
  void ScanSlots(HeapObject host, bool host_becomes_old);
  template <bool kSteps>
  void ScanUntilDone();
  bool StaysYoung(Address a) const;  // in to-space after the Scavenge
  // Where a young object is after the Scavenge: its copy, itself (a surviving young large
  // object), or 0 (dead).
  Address AfterScavenge(Address a) const;
  void UpdateIds();
  void SweepArrayBuffers();
  void FinishLargeObjects();
  void UpdateMarkingWorklist();

  Heap& heap_;
  Clock& clock_;
  Tracer& tracer_;
  PromotionPolicy policy_;
  bool zap_;
  Pretenuring* pretenuring_ = nullptr;
  Marker* marking_;
  ObjectStepObserver* steps_ = nullptr;  // the tracer's, read once per Scavenge
  std::vector<Address> promoted_;        // promoted objects whose slots are not yet scanned
  std::vector<Address> direct_;          // young copies outside the buffers, not yet scanned
  // The copy buffers: where each run of merged buffers starts and, for all but the open last
  // one, where its objects end. The open one's objects end at buffer_top_, its room at
  // buffer_limit_.
  struct BufferRun {
    Address start;
    Address top;
  };
  std::vector<BufferRun> buffers_;
  Address buffer_top_ = 0;
  Address buffer_limit_ = 0;
  bool buffer_refill_fails_ = false;  // V8's lab_allocation_will_fail_
  bool run_opened_ = false;           // a copy opened a new run (the scan loop's signal)
  std::size_t slots_scanned_ = 0;
};

}  // namespace heaplab
