// Incremental marking: the full GC's marking spread over many small steps while the program
// runs, as V8's IncrementalMarking does (docs/incremental-marking.md).
//
// It drives the same Marker as the atomic full GC. Start() greys the roots; each Step() blackens
// grey objects within a byte budget; the write barrier (RecordWrite) greys every reference the
// program stores while marking is on (Dijkstra et al. 1978, the insertion barrier), so the
// invariant [tri-colour] (no black object points to a white one) holds between steps. Objects
// a Scavenge moves during marking keep their colour; new-space allocations stay white and are
// found from the roots in the finishing pause, which re-greys the roots and drains the worklist
// (MarkCompact with an incremental marker).
//
// Background marking (V8's ConcurrentMarking, on by default): V8's worker threads mark from the
// same worklist while the program runs. heaplab runs that work on the main thread whenever
// the program reaches a step (AdvanceConcurrently): as much marking as the background threads
// would have done in the program's time since the last time, measured on the clock and then
// taken off it, so the program's time does not include it. Background bytes count towards the
// schedule, as V8's FetchBytesMarkedConcurrently adds them, so the main thread's steps shrink
// to their minimum while the background keeps up; marking is complete, as before, when the
// worklist is empty. Pauses stop the background (V8 pauses concurrent marking for a GC).
//
// How much a step marks is V8 11.3's schedule (IncrementalMarking::StepSizeToMakeProgress,
// ScheduleBytesToMarkBasedOnAllocation, ScheduleBytesToMarkBasedOnTime, Step); when marking
// starts and finishes is the controller's decision.
#pragma once

#include <cstddef>
#include <vector>

#include <heaplab/gc/clock.h>
#include <heaplab/gc/event.h>
#include <heaplab/gc/marker.h>
#include <heaplab/heap/heap.h>

namespace heaplab {

class IncrementalMarking {
 public:
  // V8 (IncrementalMarking::kMinStepSizeInBytes): no step marks less.
  static constexpr std::size_t kMinStepSizeInBytes = 64 * KB;
  // V8 (kYoungGenerationAllocatedThreshold): a step is due after this much young allocation.
  static constexpr std::size_t kAllocatedThreshold = 64 * KB;
  // V8 (kMaxStepSizeInMs, kStepSizeInMs): time a step by allocation or by task may take.
  static constexpr double kMaxStepSizeOnAllocationMs = 5;
  static constexpr double kStepSizeOnTaskMs = 1;
  // Preparing the finishing pause's pages (PagesReady): at most this many bytes of old-space
  // pages a step.
  static constexpr std::size_t kMaxPreparedPerStep = 1 * MB;
  // The list of moved objects is prepared for one entry per kMovedEntryBytes of new-space
  // capacity, at most kMaxMovedEntriesPerStep entries a step.
  static constexpr std::size_t kMovedEntryBytes = 32;
  static constexpr std::size_t kMaxMovedEntriesPerStep = 64 * 1024;

  IncrementalMarking(Heap& heap, Clock& clock, bool barrier)
      : heap_(heap), clock_(clock), barrier_(barrier), marker_(heap, clock) {}

  bool IsMarking() const { return marking_; }
  bool IsComplete() const { return marking_ && marker_.worklist_empty(); }
  Marker& marker() { return marker_; }

  // The insertion barrier: the stored reference turns grey if it was white (a barrier hit,
  // reported to the marker's object-step observer with `host`, the object stored into).
  void RecordWrite(Address host, Address value) {
    if (barrier_ && value != 0 && marker_.Shade(value)) {
      ++barrier_hits_;
      if (marker_.step_observer() != nullptr) [[unlikely]]
        ReportBarrierHit(host, value);
    }
  }

  // Clears the marks and greys the roots; `now_ms` starts the walltime.
  void Start(double now_ms);
  // How many background threads mark (0: none, V8's --no-concurrent-marking).
  void set_concurrent_tasks(int tasks) { concurrent_tasks_ = tasks; }
  int concurrent_tasks() const { return concurrent_tasks_; }
  // Runs the background marking owed for the program's time since the last call (or since
  // Start or ResumeConcurrent), with its time taken off the clock; nothing when no thread
  // marks or the worklist is empty (idle threads bank no time).
  void AdvanceConcurrently();
  // After a pause: the background threads were stopped, their time counts from now.
  void ResumeConcurrent() { concurrent_from_ms_ = clock_.NowMs(); }
  // One step of at least kMinStepSizeInBytes; returns the event describing it. A step also
  // prepares pages for the finishing pause, when preparing is on (`prepared` in the event).
  MarkingEvent Step(std::size_t bytes, bool by_task);

  // The finishing pause promotes every live young object (MarkCompact::EvacuateYoung); what
  // old space's free memory cannot take goes into new pages, and the first touch of a page is
  // a fault, which on a virtual machine costs far more than the copy (docs/incremental-
  // marking.md, section 4a). With preparing on, steps prepare those pages beforehand
  // (OldSpace::Prepare), and the pause waits for them: PagesReady says whether it may run.
  void set_prepare_pages(bool on) { prepare_pages_ = on; }
  bool prepare_pages() const { return prepare_pages_; }
  // Bytes of new old-space pages the finishing pause would need now: the young generation's
  // bytes. Old space's free blocks do not count: the pause sweeps old space afresh and finds
  // them again only by sweeping pages on demand, after the prepared pages.
  std::size_t PagesWanted() const;
  // True when preparing is off, or the prepared pages cover PagesWanted() (or the cage has no
  // page left to prepare) and the list of moved objects is prepared.
  bool PagesReady() const;
  // Every full GC's list of the objects it moves (MarkCompact::set_moved_buffer), kept from one
  // GC to the next so that its memory is touched once: with preparing on, steps also write it
  // ahead of the finishing pause, one entry per kMovedEntryBytes of new space.
  std::vector<Address>& moved_buffer() { return moved_buffer_; }
  std::size_t MovedEntriesWanted() const;
  // The finishing pause took over: marking is off, the marks stay for the full GC.
  void Stop() { marking_ = false; }

  // V8 (IncrementalMarking::StepSizeToMakeProgress): a 256th of the old generation at the
  // start, within [64 KiB, 256 KiB]; near out of memory a 32nd of the current size.
  std::size_t StepSizeToMakeProgress(bool near_oom) const;
  // V8 (ScheduleBytesToMarkBasedOnAllocation): progress plus the old-generation bytes allocated
  // since the last schedule. Returns the event (value: bytes scheduled).
  MarkingEvent ScheduleBytesToMarkBasedOnAllocation(bool near_oom);
  // V8 (ScheduleBytesToMarkBasedOnTime): the whole initial old generation in 500 ms; nothing
  // when less than 10 ms passed since the last time. Returns false if nothing was scheduled.
  bool ScheduleBytesToMarkBasedOnTime(double now_ms, MarkingEvent& out);
  // V8 (IncrementalMarking::Step): the scheduled bytes not yet marked (less a 1 MB margin for
  // steps paid by allocation), at most what the marking speed allows in `max_ms`, at least
  // kMinStepSizeInBytes.
  std::size_t ComputeStepSize(bool by_task, double max_ms) const;

  // Who is told of the objects marking greys and blackens and of the barrier's hits.
  void set_step_observer(ObjectStepObserver* observer) { marker_.set_step_observer(observer); }

  // Statistics since Start(), for the Mark-Compact's line.
  int steps() const { return steps_; }
  double steps_ms() const { return steps_ms_; }
  double longest_step_ms() const { return longest_step_ms_; }
  double start_ms() const { return start_ms_; }
  // Bytes marked so far towards the schedule: by the main thread's steps and in the background.
  std::size_t bytes_marked() const { return bytes_marked_by_steps_ + bytes_marked_concurrently_; }
  // Bytes the main thread's steps marked (their speed is V8's incremental marking speed).
  std::size_t bytes_marked_by_steps() const { return bytes_marked_by_steps_; }
  std::size_t bytes_marked_concurrently() const { return bytes_marked_concurrently_; }
  std::size_t initial_old_generation_size() const { return initial_old_generation_size_; }

 private:
  void ReportBarrierHit(Address host, Address value);
  std::size_t PreparePages();

  Heap& heap_;
  Clock& clock_;
  bool barrier_;  // tests only may turn the insertion barrier off
  Marker marker_;
  bool marking_ = false;
  double start_ms_ = 0;
  int steps_ = 0;
  double steps_ms_ = 0;
  double longest_step_ms_ = 0;
  std::size_t initial_old_generation_size_ = 0;  // bytes
  std::size_t scheduled_bytes_ = 0;              // bytes to mark so far (V8's schedule)
  std::size_t bytes_marked_by_steps_ = 0;        // bytes blackened by the main thread's steps
  std::size_t bytes_marked_concurrently_ = 0;    // bytes blackened in the background
  int concurrent_tasks_ = 0;
  double concurrent_from_ms_ = 0;  // the program's time from which background marking is owed
  std::size_t old_allocation_counter_ = 0;  // old-generation size at the last schedule
  double last_time_schedule_ms_ = 0;
  double speed_ = 0;  // bytes per ms of the steps so far
  std::size_t barrier_hits_ = 0;
  bool prepare_pages_ = false;
  bool cannot_prepare_ = false;  // a step wanted pages and the cage had none
  std::vector<Address> moved_buffer_;
};

}  // namespace heaplab
