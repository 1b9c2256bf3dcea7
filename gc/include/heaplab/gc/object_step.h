// Object steps: what a collector does to one object (or one range of memory), reported one by
// one to an ObjectStepObserver so that a step-through can show a collection object by object:
// a Scavenge copying and promoting survivors behind its scan pointer, the grey wave of marking
// with the write barrier's hits, the sweeper's free blocks, compaction moving objects.
//
// Nobody listens in a normal run, and then the steps cost nothing: each collector reads the
// observer once per collection (Tracer::step_observer) and runs its per-object loops in a
// version compiled without any report (a template parameter), so the loops a benchmark times
// are the loops of a build without observers. A collection with an observer runs the other
// version, which calls the observer (a virtual call) per step.
#pragma once

#include <cstddef>
#include <cstdint>

#include <heaplab/gc/event.h>
#include <heaplab/heap/globals.h>
#include <heaplab/heap/object.h>

namespace heaplab {

enum class ObjectStepKind : std::uint8_t {
  // Scavenge: a survivor copied within new space, `from` (from-space) to `to` (to-space).
  Copied,
  // Scavenge or full GC: a survivor moved out of the young generation, `from` to `to` (old
  // space). A young large object is promoted whole: `from` == `to`, its chunk changes space.
  Promoted,
  // Scavenge: the scan pointer (or the worklist of promoted objects and direct copies) visited
  // the slots of the object at `to`, evacuating what they reference.
  Scanned,
  // Marking: `from` turned grey (mark bit set, pushed on the worklist).
  Greyed,
  // Marking: `from` turned black (taken from the worklist, its slots visited).
  Blackened,
  // Incremental marking: the insertion barrier greyed the white object `to` that was stored
  // into `from` (`host_marked`: whether `from` was already marked, grey or black).
  BarrierHit,
  // Sweeping: [`from`, `from` + `size`) became free: a free block of an old page (swept in the
  // pause or later by the lazy sweeper), a page with nothing live released whole, or a dead
  // large object's chunk.
  Freed,
  // Compaction: a live old object moved, `from` to `to` (evacuated from a candidate page, or
  // slid down).
  Moved,
};

// Short names ("copied", "promoted", ...), for tests and text.
const char* ObjectStepKindName(ObjectStepKind kind);

struct ObjectStep {
  ObjectStepKind kind = ObjectStepKind::Copied;
  bool host_marked = false;  // BarrierHit only
  Address from = 0;          // the object before the step (a freed range's start)
  Address to = 0;            // where it is after the step (0 when it does not move)
  std::size_t size = 0;      // bytes of the object or the range
};

// Receives object steps. Steps arrive while the collector works: addresses are valid during
// the call only (the weak id table still maps the ids of copied, promoted and moved objects to
// their `from` addresses, since ids are updated after evacuation).
class ObjectStepObserver {
 public:
  virtual ~ObjectStepObserver() = default;
  // A collection begins (before any of its steps).
  virtual void OnCollectionStart(Collector /*collector*/) {}
  virtual void OnObjectStep(const ObjectStep& step) = 0;
};

// Reports `step` when an observer listens: the one null test of the reports made outside the
// per-object loops compiled twice (large objects, freed ranges, compaction moves).
inline void ReportStep(ObjectStepObserver* observer, const ObjectStep& step) {
  if (observer != nullptr) [[unlikely]]
    observer->OnObjectStep(step);
}

// A young large object promoted whole: its chunk changes space, the object stays in place.
inline ObjectStep PromotedWhole(Address object) {
  return {ObjectStepKind::Promoted, false, object, object, HeapObject(object).size()};
}

}  // namespace heaplab
