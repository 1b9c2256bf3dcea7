// The event model: every collection produces one GcEvent; smaller happenings (a semispace that
// grows, a limit that changes) produce a HeapEvent. Printers, statistics and the visualizer are
// observers of this one stream; no collector formats text.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <heaplab/heap/heap.h>

namespace heaplab {

enum class Collector { Scavenge, MarkCompact };

// Why a collection ran: V8's GarbageCollectionReason, all of it, so that real V8 logs can be
// read back; heaplab's own collections use the first few.
enum class Reason {
  AllocationFailure,             // "allocation failure"
  AllocationLimit,               // "allocation limit"
  Testing,                       // "testing": an explicit request, as gc() under --expose-gc
  Task,                          // "task"
  FinalizeMarkingViaTask,        // "finalize incremental marking via task"
  FinalizeMarkingViaStackGuard,  // "finalize incremental marking via stack guard"
  ExternalMemoryPressure,        // "external memory pressure"
  MemoryReducer,                 // "memory reducer"
  LastResort,                    // "last resort"
  ContextDisposal,
  CountersExtension,
  Debugger,
  Deserializer,
  FullHashtable,
  HeapProfiler,
  LowMemoryNotification,
  MakeHeapIterable,
  MemoryPressure,
  Runtime,
  SamplingProfiler,
  SnapshotCreator,
  ExternalFinalize,
  GlobalAllocationLimit,
  MeasureMemory,
  Unknown,
  BackgroundAllocationFailure,
  FinalizeMinorMC,
  CppHeapAllocationFailure,
  Count,
};
const char* ReasonString(Reason r);
// The reason V8 prints as `text`; false if there is none.
bool ParseReason(std::string_view text, Reason& out);

// Phases, with the names V8's --trace-gc-nvp prints for them.
enum class Phase : std::uint8_t {
  ScavengeRoots,              // scavenge.roots: roots and remembered slots
  ScavengeParallel,           // scavenge.parallel: the Cheney scan (copy and promote)
  ScavengeWeak,               // scavenge.weak: the weak id table
  ScavengeUpdateRefs,         // scavenge.update_refs
  ScavengeSweepLarge,         // young large objects: promoted whole or freed (part of scavenge=)
  ScavengeSweepArrayBuffers,  // scavenge.sweep_array_buffers: the young external list
  MarkFinishIncremental,      // mark.finish_incremental: roots re-scanned, worklist drained
  MarkRoots,                  // mark.roots
  MarkClosure,                // mark.full_closure
  Clear,                      // clear: the weak id table
  Sweep,                      // sweep.old
  Evacuate,                   // evacuate.copy
  UpdatePointers,             // evacuate.update_pointers
  CompleteSweepArrayBuffers,  // complete.sweep_array_buffers: both external lists (full GC)
  Count,
};
inline constexpr std::size_t kPhaseCount = static_cast<std::size_t>(Phase::Count);

using SpaceStats = SpaceUsage;  // per space: bytes of objects, committed, available

struct GcEvent {
  int number = 0;  // 1 for the first collection of the run
  Collector collector = Collector::Scavenge;
  bool reduce_memory = false;
  Reason reason = Reason::AllocationFailure;
  std::string collector_reason;  // e.g. "GC in old space requested"; empty for a Scavenge

  double start_ms = 0;  // since the heap was set up
  double end_ms = 0;
  double pause_ms = 0;    // the atomic pause
  double mutator_ms = 0;  // mutator time since the previous collection ended
  std::array<double, kPhaseCount> phase_ms{};

  std::size_t start_object_size = 0;  // bytes of objects in the whole heap
  std::size_t end_object_size = 0;
  std::size_t start_memory_size = 0;  // bytes committed by the whole heap
  std::size_t end_memory_size = 0;
  std::array<SpaceStats, kSpaceCount> before{};
  std::array<SpaceStats, kSpaceCount> after{};
  std::size_t holes_before = 0;  // bytes in free lists and wasted holes of old space
  std::size_t holes_after = 0;

  std::size_t allocated = 0;          // bytes the mutator allocated since the previous GC
  std::size_t promoted = 0;           // bytes moved from young to old
  std::size_t semi_space_copied = 0;  // bytes copied within new space
  std::size_t objects_promoted = 0;
  std::size_t objects_copied = 0;
  std::size_t young_before = 0;        // young generation bytes at the start
  std::size_t compacted = 0;           // bytes moved by compaction (Mark-Compact)
  std::size_t evacuated_pages = 0;     // old pages emptied by evacuation (Mark-Compact)
  std::size_t new_space_capacity = 0;  // bytes per semispace after the collection

  // Incremental marking (Mark-Compact only): steps since marking started.
  int incremental_steps = 0;
  double incremental_ms = 0;
  double incremental_biggest_step_ms = 0;
  double incremental_walltime_ms = 0;

  double survival_ratio = 0;          // % of young bytes that survived (promoted or copied)
  double average_survival_ratio = 0;  // V8's mean of the last ten survival ratios
  double total_gc_ms = 0;             // pauses of the run so far, this one included

  std::size_t external_memory = 0;  // bytes of off-heap backing stores, after the collection
  double average_mu = 1.0;          // mutator utilization, as V8 computes it
  double current_mu = 1.0;
};

enum class HeapEventKind {
  SemiSpaceGrow,    // value: new capacity per semispace (bytes)
  SemiSpaceShrink,  // value: new capacity per semispace (bytes)
  LimitChange,      // value: new old-generation allocation limit (bytes)
};

struct HeapEvent {
  HeapEventKind kind;
  double time_ms = 0;
  std::size_t value = 0;
  std::size_t previous = 0;
  // LimitChange only: how the limit was computed (V8's [HeapController] trace).
  double factor = 0;         // dynamic growing factor
  double limit_factor = 0;   // factor after the growing mode
  double gc_speed = 0;       // bytes per ms
  double mutator_speed = 0;  // bytes per ms
  std::size_t old_size = 0;  // bytes of live old-generation objects
  std::size_t global_limit = 0;
};

// Incremental marking between collections (V8's --trace-incremental-marking lines): its start,
// each step and how its size was scheduled, the decision to finalize, and its stop.
enum class MarkingEventKind {
  Start,                    // marking started; reason, old-generation size and limit
  ScheduledByAllocation,    // value: bytes scheduled; progress, allocated
  ScheduledByTime,          // value: bytes scheduled; ms: time since the last schedule
  Step,                     // a marking step (by allocation, or by task)
  DelayingFinalization,     // complete, waiting for a task; ms: time to task, overshoot_ms
  NotDelayingFinalization,  // complete, finalizing now; ms: time to task, overshoot_ms
  Stop,                     // the finishing pause begins; old-generation size and limit
};

struct MarkingEvent {
  MarkingEventKind kind = MarkingEventKind::Step;
  double time_ms = 0;
  Reason reason = Reason::AllocationLimit;  // Start
  bool by_task = false;                     // Step: run by a task (else paid by allocation)
  std::size_t value = 0;                    // bytes: marked by a Step, or scheduled
  std::size_t requested = 0;                // bytes a Step was asked to mark
  std::size_t progress = 0;                 // ScheduledByAllocation: bytes for progress
  std::size_t allocated = 0;                // ScheduledByAllocation: old-generation bytes
  std::size_t objects = 0;                  // Step: objects blackened
  std::size_t worklist = 0;                 // Step: grey objects left
  std::size_t barrier_hits = 0;             // Step: objects the barrier shaded since the last
  double ms = 0;                            // Step: duration; Scheduled/Delaying: see kind
  double overshoot_ms = 0;                  // Delaying/NotDelaying: allowed overshoot
  std::size_t old_size = 0;                 // Start/Stop: old-generation bytes of objects
  std::size_t limit = 0;                    // Start/Stop: old-generation allocation limit
  std::size_t global_limit = 0;             // Start: the global limit
  // Step: the schedule as the step saw it (V8's trace prints it before the step): the
  // marking speed (bytes per ms), bytes scheduled and bytes marked so far (background
  // marking included), and whether background marking runs.
  double speed = 0;
  std::size_t scheduled = 0;
  std::size_t marked = 0;
  bool concurrent = false;
  std::size_t marked_concurrently = 0;  // Step: bytes background marking marked so far
  std::size_t prepared = 0;             // Step: bytes of old-space pages it prepared
};

// Lazy sweeping between collections: a step sweeps old pages a full GC left unswept (paid by
// allocation, run by a task while the program waits, or the rest of them at once before the
// next marking or full GC starts).
enum class SweepingEventKind {
  Step,      // a step paid by allocation (every 64 KiB) or run by a task (`t`)
  Complete,  // every page left, swept at once: marking or a full GC is about to start
};

struct SweepingEvent {
  SweepingEventKind kind = SweepingEventKind::Step;
  double time_ms = 0;  // when the step started
  double ms = 0;       // its duration
  bool by_task = false;
  std::size_t pages = 0;       // pages swept by this step
  std::size_t freed = 0;       // bytes that became free blocks or holes
  std::size_t pages_left = 0;  // pages still waiting after the step
};

// Allocation-site pretenuring after a collection (--trace-pretenuring-statistics and
// --trace-pretenuring, pretenuring.h): one event per site that digested its feedback, one
// summary, and the reset of tenured sites after a full GC in which most objects died.
enum class PretenuringEventKind {
  Site,     // site, created, found, ratio, decision before and after
  Summary,  // deopt_maybe_tenured, visited, active, mementos, tenured, not_tenured
  Reset,    // tenured sites reset; survival_rate: percent of the heap's objects kept
};

struct PretenuringEvent {
  PretenuringEventKind kind = PretenuringEventKind::Site;
  double time_ms = 0;
  std::uint64_t site = 0;  // Site: the trace's name for it
  int created = 0;
  int found = 0;
  double ratio = 0;
  std::uint8_t before = 0;  // PretenureDecision (pretenuring.h)
  std::uint8_t after = 0;
  bool deopt_maybe_tenured = false;
  int visited = 0;
  int active = 0;
  int mementos = 0;
  int tenured = 0;
  int not_tenured = 0;
  double survival_rate = 0;
};

class GcObserver {
 public:
  virtual ~GcObserver() = default;
  virtual void OnGc(const GcEvent&) {}
  virtual void OnHeapEvent(const HeapEvent&) {}
  virtual void OnMarking(const MarkingEvent&) {}
  virtual void OnSweeping(const SweepingEvent&) {}
  virtual void OnPretenuring(const PretenuringEvent&) {}
};

}  // namespace heaplab
