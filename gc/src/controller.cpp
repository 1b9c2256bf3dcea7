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
      growing_(config.heap.max_old_space_size) {}

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

// V8 (Heap::IncrementalMarkingLimitReached) starts marking once the old generation has no more
// room before its limit than new space could promote at once, and never below 8 MiB. heaplab
// marks atomically, so this is where it runs the full GC.
bool GcController::OldGenerationLimitReached() const {
  constexpr std::size_t kActivationThreshold = 8 * MB;
  const std::size_t size = heap_.OldGenerationSize();
  if (size <= kActivationThreshold) return false;
  const std::size_t limit = growing_.limit();
  const std::size_t available = size < limit ? limit - size : 0;
  return available <= heap_.new_space().Capacity();
}

void GcController::CollectForYoungAllocation() {
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
    Scavenge();
    tracer_.End();
    if (config_.verify_heap) Verify("after Scavenge");
    if (OldGenerationLimitReached()) FullGc(Reason::AllocationLimit, "GC in old space requested");
  }
  // V8 (Heap::CollectGarbage): the heap cannot grow any more, even after collecting.
  if (!CanExpandOldGeneration(0)) throw OutOfMemory(OutOfMemory::Kind::HeapLimit);
}

void GcController::Scavenge() {
  Scavenger scavenger(heap_, *clock_, tracer_, promotion_, config_.verify_heap);
  scavenger.Run();
  GcEvent& e = tracer_.current();
  survived_since_last_expansion_ += e.promoted + e.semi_space_copied;
  old_allocation_.Push(static_cast<double>(e.promoted), e.mutator_ms);
  RecordSurvival(e);
  growing_.ConfigureInitialOldGenerationSize(heap_.OldGenerationSize(), AverageSurvivalRatio(),
                                             CurrentGrowingMode(false));
  ResizeNewSpace(false);
}

void GcController::FullGc(Reason reason, const char* collector_reason) {
  const bool reduce = reason == Reason::LastResort || ShouldOptimizeForMemoryUsage();
  tracer_.Begin(Collector::MarkCompact, reason, collector_reason);
  GcEvent& e = tracer_.current();
  e.reduce_memory = reduce;
  MarkCompact collector(heap_, *clock_, tracer_, config_.compaction, config_.verify_heap);
  collector.Run(EvacuationPolicy::For(reduce, compaction_speed_.Average()));
  e.compacted = collector.moved_bytes();
  e.evacuated_pages = collector.evacuated_pages();
  old_allocation_.Push(static_cast<double>(e.promoted), e.mutator_ms);
  RecordSurvival(e);

  // V8 (Heap::RecomputeLimits): a new limit from the live size and the growing factor, then
  // the ineffective-GC check, both before the GC's line is printed.
  const std::size_t old_size = heap_.OldGenerationSize();
  const LimitTrace t = growing_.RecomputeAfterFullGc(
      old_size, heap_.new_space().Capacity(), mark_compact_speed_.Average(),
      old_allocation_.Average(0, 0, kOldAllocationWindowMs), CurrentGrowingMode(reduce));
  HeapEvent limit{HeapEventKind::LimitChange, clock_->NowMs(), t.limit, 0};
  limit.factor = t.factor;
  limit.limit_factor = t.limit_factor;
  limit.gc_speed = t.gc_speed;
  limit.mutator_speed = t.mutator_speed;
  limit.old_size = t.old_size;
  limit.global_limit = t.global_limit;
  tracer_.Publish(limit);
  CheckIneffectiveMarkCompact(old_size, tracer_.average_mu());
  // Near the heap limit (the old generation within an eighth of its maximum), new space
  // shrinks as after a memory-reducing GC, so that promoting it all at once still fits.
  ResizeNewSpace(reduce || ShouldOptimizeForMemoryUsage());
  tracer_.End();

  mark_compact_speed_.Push(static_cast<double>(e.end_object_size), e.pause_ms);
  const double evacuate_ms = e.phase_ms[static_cast<std::size_t>(Phase::Evacuate)];
  if (collector.moved_bytes() > 0 && evacuate_ms > 0) {
    compaction_speed_.Push(static_cast<double>(collector.moved_bytes()), evacuate_ms);
  }
  if (config_.verify_heap) Verify("after Mark-Compact");
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

// V8 (Heap::ShouldResizeNewSpace, after every GC): grow by the growth factor when more bytes
// survived since the last growth than the capacity; shrink to max(initial, 2 x size) when
// reducing memory or when the mutator allocates slower than 1000 bytes per ms.
void GcController::ResizeNewSpace(bool reduce_memory) {
  NewSpace& ns = heap_.new_space();
  const std::size_t capacity = ns.Capacity();
  const GcEvent& e = tracer_.current();
  const double throughput =
      e.mutator_ms > 0 ? static_cast<double>(e.allocated) / e.mutator_ms : 0.0;
  constexpr double kLowAllocationThroughput = 1000;  // bytes per ms
  bool should_grow = false;
  bool should_shrink = false;
  if (reduce_memory) {
    should_shrink = true;  // (V8 skips this under --predictable; heaplab's model clock is
                           // deterministic either way)
  } else {
    should_grow = capacity < ns.MaximumCapacity() && survived_since_last_expansion_ > capacity;
    should_shrink = !should_grow && throughput != 0 && throughput < kLowAllocationThroughput;
    if (should_grow) survived_since_last_expansion_ = 0;
    if (should_grow == should_shrink) return;
  }
  if (should_grow) {
    const auto target =
        static_cast<std::size_t>(static_cast<double>(capacity) * config_.semi_space_growth_factor);
    const std::size_t now = ns.Resize(target);
    if (now != capacity)
      tracer_.Publish({HeapEventKind::SemiSpaceGrow, clock_->NowMs(), now, capacity});
  } else if (should_shrink) {
    const std::size_t target = std::max(ns.InitialCapacity(), 2 * ns.Size());
    if (target < capacity) {
      const std::size_t now = ns.Resize(target);
      if (now != capacity)
        tracer_.Publish({HeapEventKind::SemiSpaceShrink, clock_->NowMs(), now, capacity});
    }
  }
}

void GcController::Verify(const char* when) {
  const VerifyResult r = VerifyHeap(heap_);
  if (!r.ok()) {
    throw VerifyError("heap verification failed " + std::string(when) + " (GC #" +
                      std::to_string(tracer_.gc_count()) + "):\n" + r.Summary());
  }
}

}  // namespace heaplab
