#include <heaplab/gc/controller.h>

#include <algorithm>

#include <heaplab/gc/mark_compact.h>
#include <heaplab/gc/oom.h>
#include <heaplab/gc/scavenger.h>
#include <heaplab/heap/verifier.h>

namespace heaplab {

namespace {
// V8 (Heap::CollectAllAvailableGarbage): between 2 and 7 memory-reducing full GCs.
constexpr int kMaxLastResortGcs = 7;
constexpr double kOldAllocationWindowMs = 5000;
}  // namespace

GcController::GcController(Heap& heap, const GcConfig& config)
    : heap_(heap),
      config_(config),
      clock_(MakeClock(config.clock)),
      tracer_(heap, *clock_),
      promotion_(config.promotion),
      growing_(config.heap.max_old_space_size),
      marking_(heap, *clock_, config.marking_barrier),
      pretenuring_(config.allocation_site_pretenuring) {
  marking_.set_prepare_pages(config.prepare_pages.value_or(config.clock == ClockKind::Real));
}

GcController::~GcController() = default;

std::size_t GcController::OldGenerationCapacity() const {
  return heap_.old_space().Committed() + heap_.lo_space().Committed();
}

bool GcController::CanExpandOldGeneration(std::size_t bytes) const {
  return OldGenerationCapacity() + bytes <= config_.heap.max_old_space_size;
}

bool GcController::ShouldOptimizeForMemoryUsage() const {
  return !CanExpandOldGeneration(config_.heap.max_old_space_size / 8);
}

GrowingMode GcController::CurrentGrowingMode(bool reduce_memory) const {
  if (reduce_memory) return GrowingMode::Minimal;
  if (ShouldOptimizeForMemoryUsage()) return GrowingMode::Conservative;
  return GrowingMode::Default;
}

// V8 11.3 (Heap::OldGenerationSpaceAvailable): the room left before the old generation's
// allocation limit, where the external memory allocated since the last full GC
// (Heap::AllocatedExternalMemorySinceMarkCompact) counts as if it were old-generation bytes.
// It counts against this budget only, never against --max-old-space-size.
std::size_t GcController::OldGenerationSpaceAvailable() const {
  const std::size_t used = heap_.OldGenerationSize() + heap_.external().GrowthSinceFullGc();
  const std::size_t limit = growing_.limit();
  return used < limit ? limit - used : 0;
}

// V8 (Heap::IncrementalMarkingLimitReached) starts marking once the old generation has no more
// room before its limit than new space could promote at once, and never while the old
// generation's objects are 8 MiB or less (IncrementalMarking::IsBelowActivationThresholds: the
// objects alone, external memory aside). heaplab marks atomically, so this is where it runs the
// full GC.
bool GcController::OldGenerationLimitReached() const {
  constexpr std::size_t kActivationThreshold = 8 * MB;
  if (heap_.OldGenerationSize() <= kActivationThreshold) return false;
  return OldGenerationSpaceAvailable() <= heap_.new_space().Capacity();
}

// V8 (Heap::IncrementalMarkingLimitReached), the rules heaplab has a counterpart for: nothing
// below 8 MiB of old generation or while the room left exceeds new space; the hard limit when
// optimizing for memory or when no room is left; else the soft limit.
GcController::MarkingLimit GcController::IncrementalMarkingLimitReached() const {
  constexpr std::size_t kActivationThreshold = 8 * MB;
  if (!config_.incremental_marking) return MarkingLimit::None;
  if (heap_.OldGenerationSize() <= kActivationThreshold) return MarkingLimit::None;
  const std::size_t available = OldGenerationSpaceAvailable();
  if (available > heap_.new_space().Capacity()) return MarkingLimit::None;
  if (ShouldOptimizeForMemoryUsage()) return MarkingLimit::Hard;
  if (available == 0) return MarkingLimit::Hard;
  return MarkingLimit::Soft;
}

// V8 (Heap::StartIncrementalMarkingIfAllocationLimitIsReached).
void GcController::StartIncrementalMarkingIfAllocationLimitIsReached() {
  if (marking_.IsMarking()) return;
  switch (IncrementalMarkingLimitReached()) {
    case MarkingLimit::Hard:
      StartIncrementalMarking(Reason::AllocationLimit);
      break;
    case MarkingLimit::Soft:
      marking_task_pending_ = true;  // V8: IncrementalMarkingJob::ScheduleTask
      break;
    case MarkingLimit::None:
      break;
  }
}

void GcController::AfterOldAllocation() {
  if (config_.incremental_marking) {
    StartIncrementalMarkingIfAllocationLimitIsReached();
  } else if (OldGenerationLimitReached()) {
    FullGc(Reason::AllocationLimit, "GC in old space requested");
  }
}

void GcController::StartIncrementalMarking(Reason reason) {
  // V8 (Heap::StartIncrementalMarking): sweeping completes first; marking needs every mark bit
  // of the last cycle cleared.
  CompleteSweeping();
  // V8 (Heap::GCFlagsForIncrementalMarking): the cycle's flags are fixed now; it reduces memory
  // if the old generation cannot grow by an eighth of its maximum at this point.
  marking_reduces_memory_ = ShouldOptimizeForMemoryUsage();
  marking_task_pending_ = false;
  allocated_since_step_ = 0;
  completion_deadline_ms_ = -1;
  const double now = clock_->NowMs();
  MarkingEvent e;
  e.kind = MarkingEventKind::Start;
  e.time_ms = now;
  e.reason = reason;
  e.old_size = heap_.OldGenerationSize();
  e.limit = growing_.limit();
  e.global_limit = std::max(global_limit_, e.limit);
  tracer_.Publish(e);
  marking_.set_step_observer(tracer_.step_observer());
  marking_.set_concurrent_tasks(config_.concurrent_marking ? config_.concurrent_marking_tasks : 0);
  marking_.Start(now);
}

bool GcController::NearOom() const {
  // V8 (IncrementalMarking::StepSizeToMakeProgress): new space plus 64 MB of slack.
  return !CanExpandOldGeneration(heap_.new_space().Capacity() + 64 * MB);
}

// V8 (IncrementalMarking::AdvanceOnAllocation): every 64 KiB of allocation, schedule by
// allocation and take one step of at most 5 ms, even when the worklist is already empty (the
// step then marks nothing but counts: Node's oom.log finishes a marking whose worklist emptied
// at once "in 1 steps"); once the worklist is empty, finalize (via the stack guard) unless a
// task is expected soon enough to do it.
void GcController::AdvanceOnAllocation(std::size_t bytes) {
  allocated_since_step_ += bytes;
  if (allocated_since_step_ < IncrementalMarking::kAllocatedThreshold) return;
  allocated_since_step_ = 0;
  marking_.set_step_observer(tracer_.step_observer());
  // V8 (IncrementalMarking::FetchBytesMarkedConcurrently): what the background threads marked
  // meanwhile counts before the step is sized.
  marking_.AdvanceConcurrently();
  tracer_.Publish(marking_.ScheduleBytesToMarkBasedOnAllocation(NearOom()));
  const std::size_t size =
      marking_.ComputeStepSize(false, IncrementalMarking::kMaxStepSizeOnAllocationMs);
  MarkingStep(size, false);
  if (marking_.IsComplete() && marking_.PagesReady() && !ShouldWaitForTask()) {
    Collect(Collector::MarkCompact, Reason::FinalizeMarkingViaStackGuard,
            "GC in old space requested");
  }
}

// One main-thread step (its callers attach the step observer first). Its event carries the
// speed V8's trace prints before it (GCTracer::IncrementalMarkingSpeedInBytesPerMillisecond),
// as it was before the step.
void GcController::MarkingStep(std::size_t bytes, bool by_task) {
  const double speed = IncrementalMarkingSpeed(true);
  MarkingEvent e = marking_.Step(bytes, by_task);
  e.speed = speed;
  tracer_.Publish(e);
}

// V8 (IncrementalMarking::ShouldWaitForTask): when marking completes and tasks have been
// running at intervals no longer than the allowed overshoot (50 ms, or a tenth of the marking
// so far), the finishing pause waits for the next task until the overshoot is spent.
bool GcController::ShouldWaitForTask() {
  const double now = clock_->NowMs();
  MarkingEvent e;
  e.time_ms = now;
  if (completion_deadline_ms_ < 0) {
    const double overshoot = std::max(50.0, 0.1 * (now - marking_.start_ms()));
    e.overshoot_ms = overshoot;
    e.ms = average_time_to_task_ms_ < 0 ? 0 : average_time_to_task_ms_;
    if (average_time_to_task_ms_ < 0 || average_time_to_task_ms_ > overshoot) {
      e.kind = MarkingEventKind::NotDelayingFinalization;
      tracer_.Publish(e);
      return false;
    }
    completion_deadline_ms_ = now + overshoot;
    e.kind = MarkingEventKind::DelayingFinalization;
    tracer_.Publish(e);
    return true;
  }
  return now < completion_deadline_ms_;
}

// Every 64 KiB of allocation while pages wait to be swept: a step of at most 1 ms (heaplab's
// stand-in for V8's concurrent sweeper tasks, which sweep while the program runs).
void GcController::SweepOnAllocation(std::size_t bytes) {
  allocated_since_sweep_ += bytes;
  if (allocated_since_sweep_ < IncrementalMarking::kAllocatedThreshold) return;
  allocated_since_sweep_ = 0;
  SweepingStep(false, kSweepingStepMs);
}

void GcController::SweepingStep(bool by_task, double budget_ms) {
  Sweeper& sweeper = heap_.sweeper();
  if (!sweeper.sweeping()) return;
  SweepingEvent e;
  e.by_task = by_task;
  e.time_ms = clock_->NowMs();
  do {
    sweeper.SweepNext();
    const Sweeper::Work work = sweeper.TakeWork();
    clock_->Charge(Work::SweptPage, static_cast<double>(work.pages));
    clock_->Charge(Work::SweptObject, static_cast<double>(work.objects));
    e.pages += work.pages;
    e.freed += work.freed;
  } while (sweeper.sweeping() && clock_->NowMs() - e.time_ms < budget_ms);
  e.ms = clock_->NowMs() - e.time_ms;
  e.pages_left = sweeper.pending_pages();
  tracer_.Publish(e);
}

void GcController::CompleteSweeping() {
  Sweeper& sweeper = heap_.sweeper();
  if (!sweeper.sweeping()) return;
  SweepingEvent e;
  e.kind = SweepingEventKind::Complete;
  e.time_ms = clock_->NowMs();
  sweeper.EnsureCompleted();
  const Sweeper::Work work = sweeper.TakeWork();
  clock_->Charge(Work::SweptPage, static_cast<double>(work.pages));
  clock_->Charge(Work::SweptObject, static_cast<double>(work.objects));
  e.pages = work.pages;
  e.freed = work.freed;
  e.ms = clock_->NowMs() - e.time_ms;
  tracer_.Publish(e);
}

// A `i` event: the program waits on its event loop, and the tasks V8 posted run first.
void GcController::OnIdle(double ms) {
  const double now = clock_->NowMs();
  // Sweeping tasks use the wait first (V8's sweeper runs concurrently with everything).
  while (heap_.sweeper().sweeping() && clock_->NowMs() - now < ms)
    SweepingStep(true, std::min(kSweepingStepMs, ms - (clock_->NowMs() - now)));
  if (last_task_ms_ >= 0) {
    const double gap = now - last_task_ms_;
    average_time_to_task_ms_ =
        average_time_to_task_ms_ < 0 ? gap : (average_time_to_task_ms_ + gap) / 2;
  }
  // V8 (ScavengeJob): the scavenge task runs when new space is filled past
  // --scavenge-task-trigger (80%) of its capacity.
  constexpr double kScavengeTaskTrigger = 0.80;
  const NewSpace& ns = heap_.new_space();
  if (config_.scavenge_task &&
      static_cast<double>(ns.Size()) >= kScavengeTaskTrigger * static_cast<double>(ns.Capacity())) {
    Collect(Collector::Scavenge, Reason::Task);
  }
  // V8 (IncrementalMarkingJob::Task): start marking if the limit is still reached, then
  // advance by time and finalize once complete.
  if (marking_task_pending_ && !marking_.IsMarking()) {
    marking_task_pending_ = false;
    if (IncrementalMarkingLimitReached() != MarkingLimit::None)
      StartIncrementalMarking(Reason::Task);
  }
  if (marking_.IsMarking()) {
    marking_.set_step_observer(tracer_.step_observer());
    marking_.AdvanceConcurrently();
    // Steps of about 1 ms each while the wait lasts (at least one).
    double spent = 0;
    do {
      const double t = clock_->NowMs();
      MarkingEvent scheduled;
      if (marking_.ScheduleBytesToMarkBasedOnTime(t, scheduled)) tracer_.Publish(scheduled);
      if (!marking_.IsComplete() || !marking_.PagesReady()) {
        MarkingStep(marking_.ComputeStepSize(true, IncrementalMarking::kStepSizeOnTaskMs), true);
      }
      spent += clock_->NowMs() - t;
      if (marking_.IsComplete() && marking_.PagesReady()) {
        Collect(Collector::MarkCompact, Reason::FinalizeMarkingViaTask,
                "GC in old space requested");
        break;
      }
    } while (spent < ms && clock_->NowMs() > now);
  }
  // V8 (MemoryReducer): after a long wait with nothing else to do, a memory-reducing full GC.
  constexpr double kLongDelayMs = 8000;
  if (config_.memory_reducer && ms >= kLongDelayMs && tracer_.gc_count() > 0 &&
      heap_.OldGenerationSize() > 0) {
    Collect(Collector::MarkCompact, Reason::MemoryReducer, "GC in old space requested");
  }
  clock_->Idle(ms);
  last_task_ms_ = clock_->NowMs();
}

void GcController::CollectForYoungAllocation() {
  if (config_.incremental_marking) {
    // V8 starts marking early enough that it finishes in steps; a young allocation that
    // fails is a Scavenge.
    Collect(Collector::Scavenge, Reason::AllocationFailure);
    return;
  }
  if (OldGenerationLimitReached()) {
    // Still at the limit after the last full GC: V8 would be marking by now and finish at
    // this point; heaplab runs the full GC in place of the Scavenge.
    Collect(Collector::MarkCompact, Reason::AllocationLimit, "GC in old space requested");
  } else {
    Collect(Collector::Scavenge, Reason::AllocationFailure);
  }
}

void GcController::Collect(Collector collector, Reason reason, const char* collector_reason) {
  allocations_since_interval_gc_ = 0;
  // V8 (Heap::SelectGarbageCollector): a young collection whose promotions might not fit in
  // the old generation becomes a full one.
  const NewSpace& ns = heap_.new_space();
  if (collector == Collector::Scavenge &&
      !CanExpandOldGeneration(ns.Capacity() + heap_.new_lo_space().Size())) {
    collector = Collector::MarkCompact;
    collector_reason = "scavenge might not succeed";
  }
  if (collector == Collector::MarkCompact) {
    FullGc(reason, collector_reason);
  } else {
    tracer_.Begin(Collector::Scavenge, reason, collector_reason);
    const std::size_t objects_before = heap_.SizeOfObjects();
    Prologue(false);
    Scavenge();
    Epilogue(false, objects_before);
    tracer_.End();
    if (config_.verify_heap) Verify("after Scavenge");
    // V8 pauses background marking for a GC: its time counts again from the pause's end.
    if (marking_.IsMarking()) marking_.ResumeConcurrent();
    if (config_.incremental_marking) {
      StartIncrementalMarkingIfAllocationLimitIsReached();
    } else if (OldGenerationLimitReached()) {
      FullGc(Reason::AllocationLimit, "GC in old space requested");
    }
  }
  // V8 (Heap::CollectGarbage): the heap cannot grow any more, even after collecting.
  if (!CanExpandOldGeneration(0)) throw OutOfMemory(OutOfMemory::Kind::HeapLimit);
}

void GcController::Scavenge() {
  Scavenger scavenger(heap_, *clock_, tracer_, promotion_, config_.verify_heap,
                      marking_.IsMarking() ? &marking_.marker() : nullptr);
  if (pretenuring_.enabled()) scavenger.set_pretenuring(&pretenuring_);
  scavenger.Run();
  // Pages the promotions swept on demand, in this pause.
  const Sweeper::Work work = heap_.sweeper().TakeWork();
  clock_->Charge(Work::SweptPage, static_cast<double>(work.pages));
  clock_->Charge(Work::SweptObject, static_cast<double>(work.objects));
  GcEvent& e = tracer_.current();
  survived_since_last_expansion_ += e.promoted + e.semi_space_copied;
  old_allocation_.Push(static_cast<double>(e.promoted), e.mutator_ms);
  RecordSurvival(e);
  growing_.ConfigureInitialOldGenerationSize(heap_.OldGenerationSize(), AverageSurvivalRatio(),
                                             CurrentGrowingMode(false));
}

// V8 (Heap::ShouldReduceMemory, the kReduceMemoryFootprint flag of the current GC): the last
// resort and the memory reducer always reduce memory; a full GC that finishes incremental
// marking, or runs while it does ("scavenge might not succeed", `g major`), if the marking
// started with the flag (Heap::GCFlagsForIncrementalMarking); any other atomic full GC never.
// Node's oom_plain.log ends in a full GC near the limit that is not "(reduce)", and oom.log's
// third full GC is not either though the old generation had passed the threshold by its pause.
// Two atomic full GCs stand for the full GC of a marking V8 would start there, and decide as
// that start would: the one at the allocation limit without incremental marking, and the one
// for external memory pressure (Heap::ReportExternalMemoryPressure starts marking with
// GCFlagsForIncrementalMarking; heaplab collects at once).
bool GcController::FullGcReducesMemory(Reason reason) const {
  if (reason == Reason::LastResort || reason == Reason::MemoryReducer) return true;
  if (marking_.IsMarking()) return marking_reduces_memory_;
  const bool stands_for_a_marking =
      reason == Reason::ExternalMemoryPressure ||
      (!config_.incremental_marking && reason == Reason::AllocationLimit);
  return stands_for_a_marking && ShouldOptimizeForMemoryUsage();
}

void GcController::FullGc(Reason reason, const char* collector_reason) {
  const bool reduce = FullGcReducesMemory(reason);
  const bool incremental = marking_.IsMarking();
  if (incremental) {
    MarkingEvent stop;
    stop.kind = MarkingEventKind::Stop;
    stop.time_ms = clock_->NowMs();
    stop.old_size = heap_.OldGenerationSize();
    stop.limit = growing_.limit();
    tracer_.Publish(stop);
    marking_.Stop();
    marking_task_pending_ = false;
    completion_deadline_ms_ = -1;
  }
  tracer_.Begin(Collector::MarkCompact, reason, collector_reason);
  GcEvent& e = tracer_.current();
  e.reduce_memory = reduce;
  const std::size_t objects_before = heap_.SizeOfObjects();
  Prologue(reduce);
  if (incremental) {
    e.incremental_steps = marking_.steps();
    e.incremental_ms = marking_.steps_ms();
    e.incremental_biggest_step_ms = marking_.longest_step_ms();
    tracer_.SetIncrementalMarkingStart(marking_.start_ms());
  }
  MarkCompact collector(heap_, *clock_, tracer_, config_.compaction, config_.verify_heap,
                        incremental ? &marking_.marker() : nullptr, config_.lazy_sweeping);
  if (pretenuring_.enabled()) {
    const std::size_t capacity = OldGenerationCapacity();
    const std::size_t max = config_.heap.max_old_space_size;
    collector.set_pretenuring(&pretenuring_, reduce, capacity < max ? max - capacity : 0);
  }
  collector.set_moved_buffer(&marking_.moved_buffer());
  collector.Run(EvacuationPolicy::For(reduce, compaction_speed_.Average()));
  e.compacted = collector.moved_bytes();
  e.evacuated_pages = collector.evacuated_pages();
  old_allocation_.Push(static_cast<double>(e.promoted), e.mutator_ms);
  RecordSurvival(e);

  // V8 (Heap::RecomputeLimits): a new limit from the live size and the growing factor, then
  // the ineffective-GC check, both before the GC's line is printed.
  const std::size_t old_size = heap_.OldGenerationSize();
  const LimitTrace t = growing_.RecomputeAfterFullGc(
      old_size, heap_.new_space().Capacity(), CombinedMarkCompactSpeed(incremental),
      old_allocation_.Average(0, 0, kOldAllocationWindowMs), CurrentGrowingMode(reduce));
  HeapEvent limit{HeapEventKind::LimitChange, clock_->NowMs(), t.limit, 0};
  limit.factor = t.factor;
  limit.limit_factor = t.limit_factor;
  limit.gc_speed = t.gc_speed;
  limit.mutator_speed = t.mutator_speed;
  limit.old_size = t.old_size;
  limit.global_limit = t.global_limit;
  global_limit_ = t.global_limit;
  tracer_.Publish(limit);
  CheckIneffectiveMarkCompact(old_size, tracer_.average_mu());
  // Near the heap limit (the old generation within an eighth of its maximum), new space
  // shrinks as after a memory-reducing GC, so that promoting it all at once still fits.
  if (ShouldOptimizeForMemoryUsage()) resize_ = Resize::Shrink;
  Epilogue(true, objects_before);
  tracer_.End();

  // V8 (GCTracer::UpdateStatistics): a full GC that finished incremental marking records its
  // pause apart from atomic full GCs, and its marking steps' speed (averaged with the previous
  // cycles', GCTracer::RecordIncrementalMarkingSpeed).
  if (incremental) {
    incremental_mark_compact_speed_.Push(static_cast<double>(e.end_object_size), e.pause_ms);
    const std::size_t bytes = marking_.bytes_marked_by_steps();
    const double ms = marking_.steps_ms();
    if (bytes > 0 && ms > 0) {
      const double speed = static_cast<double>(bytes) / ms;
      recorded_incremental_marking_speed_ = recorded_incremental_marking_speed_ == 0
                                                ? speed
                                                : (recorded_incremental_marking_speed_ + speed) / 2;
    }
  } else {
    mark_compact_speed_.Push(static_cast<double>(e.end_object_size), e.pause_ms);
  }
  const double evacuate_ms = e.phase_ms[static_cast<std::size_t>(Phase::Evacuate)];
  if (collector.moved_bytes() > 0 && evacuate_ms > 0) {
    compaction_speed_.Push(static_cast<double>(collector.moved_bytes()), evacuate_ms);
  }
  if (config_.verify_heap) Verify("after Mark-Compact");
}

// V8 11.3 (GCTracer::CombinedMarkCompactSpeedInBytesPerMillisecond): the atomic full GCs'
// speed (live bytes after / pause) if there was any; otherwise the incremental marking steps'
// speed combined with the finishing pauses' speed, 1 / (1 / s1 + 1 / s2); 0 (no data, the
// growing factor is then the maximum) while either is below 0.5 bytes per ms. A full GC that
// finishes incremental marking has a short pause, so its own live bytes / pause would be a
// marking speed many times V8's.
double GcController::CombinedMarkCompactSpeed(bool incremental) const {
  constexpr double kMinimumMarkingSpeed = 0.5;
  const double atomic = mark_compact_speed_.Average();
  if (atomic > 0) return atomic;
  const double s1 = IncrementalMarkingSpeed(incremental);
  const double s2 = incremental_mark_compact_speed_.Average();
  if (s1 < kMinimumMarkingSpeed || s2 < kMinimumMarkingSpeed) return atomic;
  return s1 * s2 / (s1 + s2);
}

// V8 (GCTracer::IncrementalMarkingSpeedInBytesPerMillisecond): the recorded speed, else the
// current cycle's steps, else a conservative 128 KiB per ms.
double GcController::IncrementalMarkingSpeed(bool incremental) const {
  constexpr double kConservativeSpeed = 128.0 * KB;
  if (recorded_incremental_marking_speed_ != 0) return recorded_incremental_marking_speed_;
  if (incremental && marking_.steps_ms() > 0)
    return static_cast<double>(marking_.bytes_marked_by_steps()) / marking_.steps_ms();
  return kConservativeSpeed;
}

// V8 (Heap::CheckIneffectiveMarkCompact): the rule itself is in oom_policy.h.
void GcController::CheckIneffectiveMarkCompact(std::size_t old_size, double mu) {
  if (ineffective_mark_compacts_.Record(old_size, config_.heap.max_old_space_size, mu))
    throw OutOfMemory(OutOfMemory::Kind::IneffectiveMarkCompacts);
}

void GcController::CollectAllAvailableGarbage() {
  std::size_t before = heap_.SizeOfObjects();
  for (int i = 0; i < kMaxLastResortGcs; ++i) {
    Collect(Collector::MarkCompact, Reason::LastResort, "GC in old space requested");
    const std::size_t after = heap_.SizeOfObjects();
    if (i >= 1 && after >= before) break;
    before = after;
  }
}

// V8 (Heap::UpdateSurvivalStatistics): collections that found no young object record nothing.
void GcController::RecordSurvival(GcEvent& e) {
  if (e.young_before != 0) {
    e.survival_ratio = static_cast<double>(e.promoted + e.semi_space_copied) /
                       static_cast<double>(e.young_before) * 100.0;
    survival_[survival_count_ % survival_.size()] = e.survival_ratio;
    ++survival_count_;
  }
  e.average_survival_ratio = AverageSurvivalRatio();
}

double GcController::AverageSurvivalRatio() const {
  const std::size_t n = std::min(survival_count_, survival_.size());
  if (n == 0) return 0;
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i)
    sum += survival_[i];
  return sum / static_cast<double>(n);
}

// V8 11.3 (Heap::GarbageCollectionPrologue): a GC that begins with new space at its maximum
// capacity counts towards MaximumSizeMinorGC, which pretenuring needs to tenure a site.
// V8 (Heap::GarbageCollectionPrologueInSafepoint and Heap::ShouldResizeNewSpace): before the
// collection, grow by the growth factor when more bytes survived young GCs since the last
// growth than the capacity, the survivors of this GC not yet counted (so new space grows one
// GC after the one that crossed the line, as Node's logs show); shrink to max(initial,
// 2 x size) after the collection when reducing memory or when the mutator allocates slower
// than 1000 bytes per ms.
void GcController::Prologue(bool reduce_memory) {
  NewSpace& ns = heap_.new_space();
  maximum_size_scavenges_ = ns.IsAtMaximumCapacity() ? maximum_size_scavenges_ + 1 : 0;
  const std::size_t capacity = ns.TotalCapacity();
  resize_ = Resize::None;
  if (reduce_memory) {
    // (V8 skips this under --predictable; heaplab's model clock is deterministic either way)
    resize_ = Resize::Shrink;
    return;
  }
  const GcEvent& e = tracer_.current();
  const double throughput =
      e.mutator_ms > 0 ? static_cast<double>(e.allocated) / e.mutator_ms : 0.0;
  constexpr double kLowAllocationThroughput = 1000;  // bytes per ms
  const bool should_grow =
      capacity < ns.MaximumCapacity() && survived_since_last_expansion_ > capacity;
  const bool should_shrink =
      !should_grow && throughput != 0 && throughput < kLowAllocationThroughput;
  if (should_grow) survived_since_last_expansion_ = 0;
  if (should_grow == should_shrink) return;
  resize_ = should_grow ? Resize::Grow : Resize::Shrink;
  if (resize_ != Resize::Grow) return;
  const auto target =
      static_cast<std::size_t>(static_cast<double>(capacity) * config_.semi_space_growth_factor);
  const std::size_t now = ns.Resize(target);
  if (now != capacity)
    tracer_.Publish({HeapEventKind::SemiSpaceGrow, clock_->NowMs(), now, capacity});
}

void GcController::Epilogue(bool full_gc, std::size_t objects_before) {
  NewSpace& ns = heap_.new_space();
  const double now_ms = clock_->NowMs();
  // V8 (Heap::MarkCompact, then PretenuringHandler::ProcessPretenuringFeedback).
  if (full_gc)
    pretenuring_.EvaluateOldSpaceSurvival(objects_before, heap_.SizeOfObjects(), now_ms, tracer_);
  const bool at_maximum = ns.IsAtMaximumCapacity();
  pretenuring_.Process(maximum_size_scavenges_ > 0, at_maximum && maximum_size_scavenges_ == 0,
                       now_ms, tracer_);
  if (resize_ != Resize::Shrink) return;
  resize_ = Resize::None;
  // V8 (SemiSpaceNewSpace::Shrink): to max(initial, 2 x size) in whole pages, and from-space
  // is uncommitted until the next GC commits it again.
  const std::size_t capacity = ns.TotalCapacity();
  const std::size_t target = RoundUp(std::max(ns.InitialCapacity(), 2 * ns.Size()), kPageSize);
  if (target < capacity) {
    const std::size_t now = ns.Resize(target);
    if (now != capacity)
      tracer_.Publish({HeapEventKind::SemiSpaceShrink, clock_->NowMs(), now, capacity});
  }
  ns.UncommitFromSpace();
}

void GcController::Verify(const char* when) {
  const VerifyResult r = VerifyHeap(heap_, marking_.IsMarking());
  if (!r.ok()) {
    throw VerifyError("heap verification failed " + std::string(when) + " (GC #" +
                      std::to_string(tracer_.gc_count()) + "):\n" + r.Summary());
  }
}

}  // namespace heaplab
