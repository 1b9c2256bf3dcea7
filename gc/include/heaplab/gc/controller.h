// The GC controller: decides when to collect and with which collector, runs the collector,
// sizes new space and the old-generation limit afterwards, runs the verifier under
// --verify-heap, and declares the heap out of memory as V8 does. It is the only place where
// policy meets the collectors; the collectors themselves take no decisions.
#pragma once

#include <array>
#include <memory>
#include <stdexcept>

#include <heaplab/gc/clock.h>
#include <heaplab/gc/config.h>
#include <heaplab/gc/event.h>
#include <heaplab/gc/heap_growing.h>
#include <heaplab/gc/incremental_marking.h>
#include <heaplab/gc/oom_policy.h>
#include <heaplab/gc/pretenuring.h>
#include <heaplab/gc/promotion.h>
#include <heaplab/gc/speed.h>
#include <heaplab/gc/tracer.h>
#include <heaplab/heap/heap.h>

namespace heaplab {

// Thrown when --verify-heap finds a broken invariant; what() lists the failures.
class VerifyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class GcController {
 public:
  GcController(Heap& heap, const GcConfig& config);
  ~GcController();

  const GcConfig& config() const { return config_; }
  Clock& clock() { return *clock_; }
  Tracer& tracer() { return tracer_; }
  Heap& heap() { return heap_; }
  const HeapGrowing& growing() const { return growing_; }
  Pretenuring& pretenuring() { return pretenuring_; }
  const Pretenuring& pretenuring() const { return pretenuring_; }

  // One collection of the given kind. A Scavenge that leaves the old generation over its
  // allocation limit is followed by a full GC.
  void Collect(Collector collector, Reason reason, const char* collector_reason = nullptr);
  // Young allocation failed: a Scavenge, or a full GC when promotion might not fit
  // ("scavenge might not succeed").
  void CollectForYoungAllocation();
  // The last resort before out of memory: memory-reducing full GCs until they stop helping.
  void CollectAllAvailableGarbage();
  // Counts allocations for --gc-interval; true when a GC is due now.
  bool GcIntervalDue() {
    return config_.gc_interval > 0 && ++allocations_since_interval_gc_ >= config_.gc_interval;
  }

  // V8's old-generation capacity checks (bytes committed by old space and large objects).
  std::size_t OldGenerationCapacity() const;
  bool CanExpandOldGeneration(std::size_t bytes) const;
  bool ShouldOptimizeForMemoryUsage() const;
  // The old generation is close enough to its limit to need a full GC.
  bool OldGenerationLimitReached() const;
  // Bytes left before the old generation's allocation limit, external memory allocated since
  // the last full GC counted in (V8 11.3's Heap::OldGenerationSpaceAvailable).
  std::size_t OldGenerationSpaceAvailable() const;

  // Incremental marking (--incremental-marking).
  enum class MarkingLimit { None, Soft, Hard };
  IncrementalMarking& incremental_marking() { return marking_; }
  MarkingLimit IncrementalMarkingLimitReached() const;
  // The mutator allocated in old space: the old generation may have reached its limit
  // (marking starts, or without incremental marking a full GC runs).
  void AfterOldAllocation();
  // After every Scavenge: start marking at the hard limit, schedule a task at the soft one.
  void StartIncrementalMarkingIfAllocationLimitIsReached();
  void StartIncrementalMarking(Reason reason);
  bool marking_task_pending() const { return marking_task_pending_; }
  // The mutator is about to allocate `bytes` while marking is on: a step every 64 KiB, and
  // the finishing pause once marking is complete.
  void AdvanceOnAllocation(std::size_t bytes);
  // The program waits `ms` on its event loop: V8's tasks run (scavenge task, marking task,
  // memory reducer), then the wait is accounted on the clock.
  void OnIdle(double ms);

  // Lazy sweeping (--lazy-sweeping): the mutator is about to allocate `bytes` while pages wait
  // to be swept: a sweeping step every 64 KiB.
  void SweepOnAllocation(std::size_t bytes);
  static constexpr double kSweepingStepMs = 1.0;  // the longest sweeping step

 private:
  void Scavenge();
  void SweepingStep(bool by_task, double budget_ms);
  void CompleteSweeping();
  void FullGc(Reason reason, const char* collector_reason);
  bool FullGcReducesMemory(Reason reason) const;
  bool ShouldWaitForTask();
  void MarkingStep(std::size_t bytes, bool by_task);
  bool NearOom() const;
  // V8 (Heap::GarbageCollectionPrologue and ...InSafepoint): count GCs that begin with new
  // space at its maximum, decide how new space resizes, and grow it now if it should.
  void Prologue(bool reduce_memory);
  // After the collection: pretenuring feedback, then a shrink decided at the prologue.
  void Epilogue(bool full_gc, std::size_t objects_before);
  void RecordSurvival(GcEvent& e);
  double AverageSurvivalRatio() const;
  GrowingMode CurrentGrowingMode(bool reduce_memory) const;
  // V8 11.3 (GCTracer::CombinedMarkCompactSpeedInBytesPerMillisecond): the marking speed the
  // heap-growing factor uses, in bytes per ms. `incremental`: the current full GC finishes
  // incremental marking (its steps count as the current cycle's speed).
  double CombinedMarkCompactSpeed(bool incremental) const;
  // V8 (GCTracer::IncrementalMarkingSpeedInBytesPerMillisecond).
  double IncrementalMarkingSpeed(bool incremental) const;
  void CheckIneffectiveMarkCompact(std::size_t old_size, double mu);
  void Verify(const char* when);

  Heap& heap_;
  GcConfig config_;
  std::unique_ptr<Clock> clock_;
  Tracer tracer_;
  PromotionPolicy promotion_;
  HeapGrowing growing_;
  IncrementalMarking marking_;
  std::size_t global_limit_ = 0;                 // bytes, V8's global limit after the last full GC
  bool marking_task_pending_ = false;            // a marking task waits for the next `i` event
  bool marking_reduces_memory_ = false;          // the running marking's full GC reduces memory
  std::size_t allocated_since_step_ = 0;         // bytes
  std::size_t allocated_since_sweep_ = 0;        // bytes
  double completion_deadline_ms_ = -1;           // marking complete, waiting for a task until then
  double last_task_ms_ = -1;                     // when tasks last ran (an `i` event)
  double average_time_to_task_ms_ = -1;          // between `i` events; -1: unknown
  SpeedSamples mark_compact_speed_;              // atomic full GCs: (live bytes after, pause)
  SpeedSamples incremental_mark_compact_speed_;  // the same, full GCs finishing marking
  double recorded_incremental_marking_speed_ = 0;  // bytes per ms of marking steps, 0: none
  SpeedSamples compaction_speed_;                  // (bytes moved, ms)
  SpeedSamples old_allocation_;        // (bytes added to the old generation, mutator ms)
  std::array<double, 10> survival_{};  // last survival ratios, percent
  std::size_t survival_count_ = 0;
  std::size_t survived_since_last_expansion_ = 0;  // bytes (V8's counter of the same name)
  enum class Resize { None, Grow, Shrink };
  Resize resize_ = Resize::None;    // decided at the current GC's prologue
  int maximum_size_scavenges_ = 0;  // GCs in a row that began with new space at its maximum
  Pretenuring pretenuring_;
  std::int64_t allocations_since_interval_gc_ = 0;
  IneffectiveMarkCompacts ineffective_mark_compacts_;
};

}  // namespace heaplab
