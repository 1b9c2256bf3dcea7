// The marker: full-heap tri-colour marking (Dijkstra et al. 1978) over a worklist.
//
// Colours: white = mark bit clear; grey = mark bit set and the object is on the worklist;
// black = mark bit set and its slots have been visited. The mark bit of an object is the bit
// of its first word in its chunk's mark bitmap.
//
// Invariant [tri-colour]: no black object points to a white one. Start() greys the roots;
// Step() blackens grey objects by greying their white targets, within a budget of bytes, so
// the worklist survives between steps and an incremental marker can drive the same code with
// the write barrier shading stored values (Shade). When the worklist is empty every object
// reachable from the roots is black and every white object is garbage.
//
// With an object-step observer (set_step_observer), every object turning grey and black is
// reported (object_step.h); Step() reads the observer once per call and runs a loop compiled
// without reports when there is none.
#pragma once

#include <cstdint>
#include <vector>

#include <heaplab/gc/clock.h>
#include <heaplab/gc/object_step.h>
#include <heaplab/heap/heap.h>

namespace heaplab {

class Marker {
 public:
  Marker(Heap& heap, Clock& clock) : heap_(heap), clock_(clock) {}

  // Which roots Start() greys: all of them (an atomic full GC), or the global roots alone,
  // leaving the handle scopes' locals (the stack) to the finishing pause, as V8's incremental
  // marking does (IncrementalMarking::MarkRoots skips SkipRoot::kStack and
  // SkipRoot::kMainThreadHandles).
  enum class Roots { All, GlobalOnly };
  // Clears every mark bit and live-byte count, then greys the roots.
  void Start(Roots roots = Roots::All);
  // Greys the roots again without clearing anything: the finishing pause of incremental
  // marking, where roots changed since Start() (Dijkstra's barrier does not cover them) and
  // the stack is scanned for the first time.
  void ShadeRoots(Roots roots = Roots::All);
  // Blackens grey objects until `budget` bytes of objects were visited or none is left;
  // returns true when the worklist is empty (marking is complete).
  bool Step(std::size_t budget) {
    return step_observer_ != nullptr ? StepWith<true>(budget) : StepWith<false>(budget);
  }
  void Drain() { Step(SIZE_MAX); }

  // Greys a white object; returns true if it was white.
  bool Shade(Address object) {
    return step_observer_ != nullptr ? ShadeWith<true>(object) : ShadeWith<false>(object);
  }

  // Who is told of every object greyed and blackened; null (the default) for nobody.
  void set_step_observer(ObjectStepObserver* observer) { step_observer_ = observer; }
  ObjectStepObserver* step_observer() const { return step_observer_; }
  // Marks an object without queueing it (black allocation: its slots hold nothing yet, or
  // only what the caller will visit itself).
  void MarkBlack(Address object);
  bool IsMarked(Address object) const;
  bool worklist_empty() const { return worklist_.empty(); }

  // Clears the mark bits and live bytes of every chunk but the pages the lazy sweeper has yet
  // to sweep (marking starts only once sweeping is complete).
  void ClearMarks();
  // Clears one chunk's mark bits and live bytes (a semispace about to receive copies).
  static void ClearMarks(Chunk& chunk);
  // Sets an object's mark bit without queueing or counting it: a Scavenge moving a marked
  // object gives the copy its colour (grey copies are re-queued by UpdateWorklist).
  void TransferMark(Address to);
  // After a Scavenge: `update` maps each grey object to its new address, or to 0 if it died.
  template <typename Fn>
  void UpdateWorklist(Fn&& update) {
    std::size_t kept = 0;
    for (Address a : worklist_) {
      const Address now = update(a);
      if (now != 0) worklist_[kept++] = now;
    }
    worklist_.resize(kept);
  }
  std::size_t worklist_size() const { return worklist_.size(); }
  // The grey objects, in no order (pictures of the heap tell grey from black with it).
  const std::vector<Address>& worklist() const { return worklist_; }

  std::size_t marked_objects() const { return marked_objects_; }
  std::size_t marked_bytes() const { return marked_bytes_; }  // bytes of black objects

 private:
  bool SetMark(Address object);  // true if it was clear
  template <bool kSteps>
  bool StepWith(std::size_t budget);
  template <bool kSteps>
  bool ShadeWith(Address object);

  Heap& heap_;
  Clock& clock_;
  std::vector<Address> worklist_;  // grey objects
  ObjectStepObserver* step_observer_ = nullptr;
  std::size_t marked_objects_ = 0;
  std::size_t marked_bytes_ = 0;
};

}  // namespace heaplab
