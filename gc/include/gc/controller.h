// The GC controller: decides when to collect and with which collector, runs the collector,
// sizes new space afterwards, and runs the verifier under --verify-heap. It is the only place
// where policy meets the collectors; the collectors themselves take no decisions.
#pragma once

#include <memory>
#include <stdexcept>

#include "gc/clock.h"
#include "gc/config.h"
#include "gc/event.h"
#include "gc/promotion.h"
#include "gc/tracer.h"
#include "heap/heap.h"

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

  void Collect(Collector collector, Reason reason, const char* collector_reason = nullptr);
  // Young allocation failed: Scavenge (or a full GC when a Scavenge might not succeed).
  void CollectForYoungAllocation();
  // Counts allocations for --gc-interval; true when a GC is due now.
  bool GcIntervalDue() {
    return config_.gc_interval > 0 && ++allocations_since_interval_gc_ >= config_.gc_interval;
  }

 private:
  void Scavenge();
  void ResizeNewSpace();
  void Verify(const char* when);

  Heap& heap_;
  GcConfig config_;
  std::unique_ptr<Clock> clock_;
  Tracer tracer_;
  PromotionPolicy promotion_;
  std::size_t survived_since_last_expansion_ = 0;  // bytes (V8's counter of the same name)
  std::int64_t allocations_since_interval_gc_ = 0;
};

}  // namespace heaplab
