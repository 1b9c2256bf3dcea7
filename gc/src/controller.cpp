#include "gc/controller.h"

#include "gc/scavenger.h"
#include "heap/verifier.h"

namespace heaplab {

GcController::GcController(Heap& heap, const GcConfig& config)
    : heap_(heap),
      config_(config),
      clock_(MakeClock(config.clock)),
      tracer_(heap, *clock_),
      promotion_(config.promotion) {}

GcController::~GcController() = default;

void GcController::CollectForYoungAllocation() {
  Collect(Collector::Scavenge, Reason::AllocationFailure);
}

void GcController::Collect(Collector collector, Reason reason, const char* collector_reason) {
  allocations_since_interval_gc_ = 0;
  if (collector == Collector::MarkCompact) {
    throw std::logic_error("Mark-Compact is not supported yet");
  }
  tracer_.Begin(collector, reason, collector_reason);
  Scavenge();
  tracer_.End();
  if (config_.verify_heap) Verify("after Scavenge");
}

void GcController::Scavenge() {
  Scavenger scavenger(heap_, *clock_, tracer_, promotion_, config_.verify_heap);
  scavenger.Run();
  const GcEvent& e = tracer_.current();
  survived_since_last_expansion_ += e.promoted + e.semi_space_copied;
  ResizeNewSpace();
}

// V8 (Heap::ShouldResizeNewSpace): grow by the growth factor when more bytes survived since
// the last growth than the capacity; shrink to max(initial, 2 x size) when the mutator
// allocates slower than 1000 bytes per ms.
void GcController::ResizeNewSpace() {
  NewSpace& ns = heap_.new_space();
  const std::size_t capacity = ns.Capacity();
  const bool should_grow =
      capacity < ns.MaximumCapacity() && survived_since_last_expansion_ > capacity;
  const GcEvent& e = tracer_.current();
  const double throughput =
      e.mutator_ms > 0 ? static_cast<double>(e.allocated) / e.mutator_ms : 0.0;
  constexpr double kLowAllocationThroughput = 1000;  // bytes per ms
  const bool should_shrink = !should_grow && throughput != 0 && throughput < kLowAllocationThroughput;
  if (should_grow) {
    survived_since_last_expansion_ = 0;
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
