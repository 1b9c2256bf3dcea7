// The tracer turns one collection into one GcEvent: sizes before and after, phase times from
// scoped timers, the mutator's allocation since the previous collection, and V8's mutator
// utilization. Observers receive the finished event; the tracer formats nothing. It also holds
// the one object-step observer (object_step.h), which the collectors read once per collection.
#pragma once

#include <vector>

#include <heaplab/gc/clock.h>
#include <heaplab/gc/event.h>
#include <heaplab/gc/object_step.h>
#include <heaplab/heap/heap.h>

namespace heaplab {

class Tracer {
 public:
  Tracer(Heap& heap, Clock& clock) : heap_(heap), clock_(clock) {}

  void AddObserver(GcObserver* observer) { observers_.push_back(observer); }
  void RemoveObserver(GcObserver* observer);

  // The object-step observer, or null (the default: the collectors then report nothing and
  // pay nothing per object). One at a time; the sweeper's free blocks are forwarded to it.
  void SetStepObserver(ObjectStepObserver* observer);
  ObjectStepObserver* step_observer() const { return step_observer_; }

  // The mutator reports what it allocated; the tracer hands it to the next event.
  void RecordAllocation(std::size_t bytes) { allocated_since_gc_ += bytes; }
  std::size_t allocated_since_gc() const { return allocated_since_gc_; }

  // Starts an event; the collector fills current() while it runs; End() finishes and
  // publishes it.
  void Begin(Collector collector, Reason reason, const char* collector_reason);
  GcEvent& current() { return current_; }
  void End();

  // A phase timer: the time between construction and destruction goes to `phase`.
  class Scope {
   public:
    Scope(Tracer& tracer, Phase phase)
        : tracer_(tracer), phase_(phase), start_(tracer.clock_.NowMs()) {}
    ~Scope() {
      tracer_.current_.phase_ms[static_cast<std::size_t>(phase_)] +=
          tracer_.clock_.NowMs() - start_;
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Tracer& tracer_;
    Phase phase_;
    double start_;
  };

  void Publish(const HeapEvent& event);
  void Publish(const MarkingEvent& event);
  void Publish(const SweepingEvent& event);
  void Publish(const PretenuringEvent& event);
  // The current full GC finishes an incremental marking that started at `start_ms`: End()
  // fills the walltime since then.
  void SetIncrementalMarkingStart(double start_ms) { incremental_start_ms_ = start_ms; }

  int gc_count() const { return count_; }
  double average_mu() const;
  double current_mu() const { return current_mu_; }
  // Sum of pauses (ms) and the events of the run so far, for statistics.
  double total_pause_ms() const { return total_pause_ms_; }

 private:
  void SnapshotSpaces(std::array<SpaceStats, kSpaceCount>& out) const;
  void RecordMutatorUtilization(double end_ms, double mark_compact_ms);

  Heap& heap_;
  Clock& clock_;
  std::vector<GcObserver*> observers_;
  ObjectStepObserver* step_observer_ = nullptr;
  // Passes the sweeper's free blocks on as Freed steps.
  class FreeBlocks : public FreeBlockListener {
   public:
    explicit FreeBlocks(Tracer& tracer) : tracer_(tracer) {}
    void OnFreeBlock(Address start, std::size_t size) override;

   private:
    Tracer& tracer_;
  };
  FreeBlocks free_blocks_{*this};
  GcEvent current_;
  int count_ = 0;
  std::size_t allocated_since_gc_ = 0;
  double last_end_ms_ = 0;
  double total_pause_ms_ = 0;
  double incremental_start_ms_ = -1;  // -1: the current GC did not mark incrementally

  // Mutator utilization (V8's GCTracer::RecordMutatorUtilization).
  double previous_mark_compact_end_ms_ = 0;
  double average_mark_compact_ms_ = 0;
  double average_mutator_ms_ = 0;
  double current_mu_ = 1.0;
};

}  // namespace heaplab
